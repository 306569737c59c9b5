package parley.bench;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/** A small writer of compact JSON for the report: objects, arrays, strings and numbers. */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder(512);
    /** Per open container: whether it has an element yet. */
    private final Deque<boolean[]> open = new ArrayDeque<>();
    private boolean afterName;

    JsonWriter beginObject() {
        value();
        out.append('{');
        open.push(new boolean[1]);
        return this;
    }

    JsonWriter endObject() {
        open.pop();
        out.append('}');
        return this;
    }

    JsonWriter beginArray() {
        value();
        out.append('[');
        open.push(new boolean[1]);
        return this;
    }

    JsonWriter endArray() {
        open.pop();
        out.append(']');
        return this;
    }

    JsonWriter name(String name) {
        comma();
        string(name);
        out.append(':');
        afterName = true;
        return this;
    }

    JsonWriter value(String s) {
        value();
        if (s == null) out.append("null");
        else string(s);
        return this;
    }

    JsonWriter value(long v) {
        value();
        out.append(v);
        return this;
    }

    JsonWriter value(boolean v) {
        value();
        out.append(v);
        return this;
    }

    /** A number with at most three decimals; NaN and infinities as null. */
    JsonWriter value(double v) {
        value();
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            out.append("null");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.append((long) v);
        } else {
            String s = String.format(Locale.ROOT, "%.3f", v);
            s = s.replaceAll("0+$", "");
            out.append(s.endsWith(".") ? s.substring(0, s.length() - 1) : s);
        }
        return this;
    }

    JsonWriter field(String name, String v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, long v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, double v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, boolean v) {
        return name(name).value(v);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void value() {
        if (afterName) {
            afterName = false;
            return;
        }
        comma();
    }

    private void comma() {
        boolean[] top = open.peek();
        if (top == null) return;
        if (top[0]) out.append(',');
        top[0] = true;
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
