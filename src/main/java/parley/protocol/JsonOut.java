package parley.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that writes JSON the way serde_json does, so Parley's bytes match the
 * book's: {@code "} and {@code \} escaped with a backslash; backspace, tab, newline, form feed and
 * carriage return as {@code \b \t \n \f \r}; other control characters as <code>&#92;u00XX</code> with
 * lower-case hex; everything else, DEL and non-ASCII included, as raw UTF-8.
 *
 * <p>Hand-written rather than Jackson because it is on the hot path (one encode per post) and
 * because Jackson's escapes differ (upper-case hex), which would break byte compatibility.
 */
final class JsonOut {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** For each ASCII byte: 0 = as is, (byte) u = a six-char hex escape, anything else = backslash then that char. */
    private static final byte[] ESCAPE = new byte[128];
    static {
        for (int c = 0; c < 0x20; c++) ESCAPE[c] = (byte) 'u';
        ESCAPE['\b'] = 'b';
        ESCAPE['\t'] = 't';
        ESCAPE['\n'] = 'n';
        ESCAPE['\f'] = 'f';
        ESCAPE['\r'] = 'r';
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
    }

    private byte[] buf;
    private int len;

    JsonOut(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Appends ASCII text verbatim (JSON punctuation and keys known to need no escaping). */
    JsonOut raw(String ascii) {
        int n = ascii.length();
        ensure(n);
        ascii.getBytes(0, n, buf, len); // deprecated but exact for ASCII, and allocation-free
        len += n;
        return this;
    }

    /** Appends a JSON string literal, quotes included. */
    JsonOut string(String s) {
        if (s.length() >= 32) {
            // Long strings: let the JDK's intrinsic encoder copy them, then check the bytes once;
            // plain ASCII (most chat text) then needs no per-char work at all.
            byte[] raw = s.getBytes(StandardCharsets.UTF_8);
            if (plainAscii(raw)) {
                ensure(raw.length + 2);
                buf[len++] = '"';
                System.arraycopy(raw, 0, buf, len, raw.length);
                len += raw.length;
                buf[len++] = '"';
                return this;
            }
        }
        int n = s.length();
        // Room for the common case (one byte per char) up front, so plain ASCII, the bulk of chat
        // text, is copied without a bounds check per char; escapes and non-ASCII make room as
        // they go, keeping room for the rest of the string too.
        ensure(n + 2);
        byte[] b = buf;
        int at = len;
        b[at++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80 && ESCAPE[c] == 0) {
                b[at++] = (byte) c;
                continue;
            }
            len = at;
            ensure(6 + (n - i) + 1);
            if (c < 0x80) {
                escape(c, ESCAPE[c]);
            } else {
                i = nonAscii(s, i, c);
            }
            b = buf;
            at = len;
        }
        b[at++] = '"';
        len = at;
        return this;
    }

    /** True if every byte is ASCII that JSON carries as is. */
    private static boolean plainAscii(byte[] raw) {
        for (byte x : raw) {
            if (x < 0x20 || x == '"' || x == '\\') return false; // negative: non-ASCII
        }
        return true;
    }

    JsonOut number(long value) {
        return raw(Long.toString(value));
    }

    JsonOut newline() {
        ensure(1);
        buf[len++] = '\n';
        return this;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void escape(char c, byte e) {
        ensure(6);
        buf[len++] = '\\';
        if (e != 'u') {
            buf[len++] = e;
            return;
        }
        buf[len++] = 'u';
        buf[len++] = '0';
        buf[len++] = '0';
        buf[len++] = HEX[c >> 4];
        buf[len++] = HEX[c & 0xF];
    }

    /** Writes the code point starting at {@code s[i]} as UTF-8 and returns the index of its last char. */
    private int nonAscii(String s, int i, char c) {
        ensure(4);
        if (c < 0x800) {
            buf[len++] = (byte) (0xC0 | (c >> 6));
            buf[len++] = (byte) (0x80 | (c & 0x3F));
            return i;
        }
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(i + 1));
            buf[len++] = (byte) (0xF0 | (cp >> 18));
            buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            buf[len++] = (byte) (0x80 | (cp & 0x3F));
            return i + 1;
        }
        if (Character.isSurrogate(c)) {
            c = '\uFFFD'; // unpaired: not representable in UTF-8; decoded input never contains one
        }
        buf[len++] = (byte) (0xE0 | (c >> 12));
        buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buf[len++] = (byte) (0x80 | (c & 0x3F));
        return i;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}
