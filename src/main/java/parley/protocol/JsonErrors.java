package parley.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is wrong with a line that is not JSON, in words a client's author can act on. Jackson's
 * own messages are written for Java programmers (they name its classes and features, and point at
 * a "Source: REDACTED"), so each kind it reports is said again here; the column comes from
 * Jackson's location and is added by the caller. A kind not recognised here is reported without
 * Jackson's wording rather than with it.
 */
final class JsonErrors {
    /** "Unexpected character ('x' (code 120))", or "((CTRL-CHAR, code 127))" for a control character. */
    private static final Pattern CHARACTER =
            Pattern.compile("^Unexpected character \\((?:'.*' \\(code (\\d+)\\)|\\(CTRL-CHAR, code (\\d+)\\))\\)");
    private static final Pattern ILLEGAL = Pattern.compile("^Illegal character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");
    private static final Pattern TOKEN = Pattern.compile("^(?:Unrecognized|Non-standard) token '(.*?)'");
    private static final Pattern CLOSE = Pattern.compile("^Unexpected close marker '(.)'");
    private static final Pattern CONTROL =
            Pattern.compile("^Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");
    private static final Pattern ESCAPE =
            Pattern.compile("^Unrecognized character escape (?:'.*?' \\(code (\\d+)\\)|\\(CTRL-CHAR, code (\\d+)\\))");
    private static final Pattern LIMIT = Pattern.compile("maximum allowed \\((\\d+)");

    private JsonErrors() {}

    /** The problem {@code e} reports, without its location: "the line ends inside a string". */
    static String describe(JsonProcessingException e, byte[] line, int off, int len) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) return limit(m);
        if (m.startsWith("Unexpected end-of-input")) return endOfLine(m, line, off, len);
        Matcher x;
        if ((x = CONTROL.matcher(m)).find()) {
            return "control character (code " + x.group(1) + ") inside a string; it must be escaped, e.g. \\n or \\u0001";
        }
        if ((x = ESCAPE.matcher(m)).find()) {
            int code = Integer.parseInt(x.group(1) != null ? x.group(1) : x.group(2));
            String escape = x.group(1) != null ? "'\\" + new String(Character.toChars(code)) + "'"
                    : "a backslash before " + shown(code);
            return escape + " is not an escape JSON has (a backslash is written \\\\)";
        }
        if (m.contains("hex-digit for character escape")) return "a \\u escape needs four hex digits";
        if ((x = ILLEGAL.matcher(m)).find()) {
            return "control character (code " + x.group(1) + ") between values; only spaces, tabs and line ends "
                    + "may be there";
        }
        if (m.contains("Leading zeroes not allowed")) return "a number cannot start with 0 followed by more digits";
        if (m.contains("in numeric value")) return "malformed number: " + numberProblem(m);
        if ((x = TOKEN.matcher(m)).find()) {
            return "unexpected '" + x.group(1) + "'; expected a value: a string in double quotes, a number, "
                    + "true, false, null, an object or an array";
        }
        if ((x = CLOSE.matcher(m)).find()) {
            String closer = x.group(1);
            if (m.contains("expected '}'")) return "unexpected '" + closer + "'; expected '}'";
            if (m.contains("expected ']'")) return "unexpected '" + closer + "'; expected ']'";
            return "unexpected '" + closer + "' with nothing open to close";
        }
        if ((x = CHARACTER.matcher(m)).find()) {
            String found = shown(Integer.parseInt(x.group(1) != null ? x.group(1) : x.group(2)));
            if (m.contains("double-quote to start field name")) {
                return "expected a field name in double quotes, found " + found;
            }
            if (m.contains("comma to separate Object entries")) return "expected ',' or '}', found " + found;
            if (m.contains("comma to separate Array entries")) return "expected ',' or ']', found " + found;
            if (m.contains("colon to separate field name and value")) {
                return "expected ':' after the field name, found " + found;
            }
            if (m.contains("comment")) return "comments are not JSON, found " + found;
            if (m.contains("root-level values")) return "unexpected " + found + " after the value";
            if (m.contains("expected a value") || m.contains("expected a valid value")) {
                return "expected a value, found " + found;
            }
            return "unexpected " + found;
        }
        return "the JSON cannot be read here";
    }

    /**
     * Where the line ended. Jackson names the token it was on, which after a value is the one
     * before (a line cut inside a number after a string says "in VALUE_STRING"), so whether the
     * line ends inside a string is found from the line itself.
     */
    private static String endOfLine(String m, byte[] line, int off, int len) {
        int inString = openString(line, off, len);
        if (inString == 2 || inString == 1 && m.contains("escape sequence")) {
            return "the line ends inside an escape sequence"; // "\\" or a "\\u" short of its four digits
        }
        if (inString == 1) return "the line ends inside a string";
        if (m.contains("close marker for Object")) return "unexpected end of the line; expected '}'";
        if (m.contains("close marker for Array")) return "unexpected end of the line; expected ']'";
        if (m.contains("Object entries")) return "unexpected end of the line inside an object";
        if (m.contains("Array entries")) return "unexpected end of the line inside an array";
        int last = off + len - 1;
        while (last >= off && (line[last] == ' ' || line[last] == '\t' || line[last] == '\r')) last--;
        if (last >= off && "0123456789.eE+-".indexOf(line[last]) >= 0) return "the line ends inside a number";
        return "unexpected end of the line";
    }

    /** 0 if the line ends outside any string, 1 inside one, 2 right after a backslash in one. */
    private static int openString(byte[] line, int off, int len) {
        boolean in = false;
        for (int i = off, end = off + len; i < end; i++) {
            if (!in) {
                in = line[i] == '"';
            } else if (line[i] == '\\') {
                if (++i == end) return 2;
            } else if (line[i] == '"') {
                in = false;
            }
        }
        return in ? 1 : 0;
    }

    private static String numberProblem(String m) {
        if (m.contains("Decimal point")) return "a digit must follow the decimal point";
        if (m.contains("Exponent")) return "a digit must follow the exponent";
        if (m.contains("minus sign")) return "a digit must follow '-'";
        if (m.contains("plus sign")) return "JSON numbers have no '+' sign";
        return "not a JSON number";
    }

    /** A limit the parser keeps to (nesting, lengths): these carry no location. */
    private static String limit(String m) {
        Matcher max = LIMIT.matcher(m);
        String most = max.find() ? max.group(1) : null;
        if (m.startsWith("Document nesting depth")) return "nesting deeper than " + (most != null ? most : "allowed");
        String what = m.startsWith("Number") ? "a number longer than " + most + " digits"
                : m.startsWith("Name") ? "a field name longer than " + most + " characters"
                : m.startsWith("String") ? "a string longer than " + most + " characters"
                : null;
        return what != null && most != null ? what : "a value larger than the server reads";
    }

    /** A character as a message shows it: itself, quoted, if printable, else its code. */
    private static String shown(int code) {
        return code < 0x20 || code == 0x7F ? "control character (code " + code + ")"
                : "'" + new String(Character.toChars(code)) + "'";
    }
}
