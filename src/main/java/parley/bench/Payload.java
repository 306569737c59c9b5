package parley.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The text of every message the bench posts: a 32-byte ASCII header, then padding up to the
 * message size. Only hex digits, letters and dots, so JSON never escapes it and a subscriber can
 * read the header straight out of the reply bytes.
 *
 * <pre>
 *   offset  0      kind: S (readiness sync), W (warm-up), M (measured)
 *   offset  1..4   publisher number, 4 hex digits
 *   offset  5..15  sequence number, 11 hex digits: per publisher and group, from 0; for S, the round
 *   offset 16..31  intended send time, 16 hex digits of {@link BenchClock#now} nanoseconds
 *   offset 32..    '.' padding up to the message size
 * </pre>
 */
final class Payload {
    static final int HEADER = 32;
    static final byte SYNC = 'S';
    static final byte WARMUP = 'W';
    static final byte MEASURED = 'M';
    static final int MAX_PUBLISHERS = 1 << 16;
    static final long MAX_SEQ = (1L << 44) - 1;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNHEX = new byte[256];

    static {
        Arrays.fill(UNHEX, (byte) -1);
        for (int i = 0; i < 10; i++) UNHEX['0' + i] = (byte) i;
        for (int i = 0; i < 6; i++) {
            UNHEX['a' + i] = (byte) (10 + i);
            UNHEX['A' + i] = (byte) (10 + i);
        }
    }

    private Payload() {}

    /** A message of {@code size} bytes (at least {@link #HEADER}) with a zero header, ready to be stamped. */
    static byte[] blank(int size) {
        if (size < HEADER) throw new IllegalArgumentException("message size must be at least " + HEADER + " bytes");
        byte[] b = new byte[size];
        Arrays.fill(b, 0, HEADER, (byte) '0');
        b[0] = MEASURED;
        Arrays.fill(b, HEADER, size, (byte) '.');
        return b;
    }

    /** Writes the header at {@code off}. */
    static void write(byte[] b, int off, byte kind, int publisher, long seq, long intendedNanos) {
        b[off] = kind;
        hex(b, off + 1, publisher, 4);
        hex(b, off + 5, seq, 11);
        hex(b, off + 16, intendedNanos, 16);
    }

    private static void hex(byte[] b, int off, long v, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            b[off + i] = HEX[(int) (v & 15)];
            v >>>= 4;
        }
    }

    /**
     * A reusable reader of headers: {@link #read} fills the fields without allocating, so a
     * selector thread can parse every message with one instance.
     */
    static final class Header {
        byte kind;
        int publisher;
        long seq;
        long intended;

        /** Reads the header of a message; false if it is not one of ours. */
        boolean read(byte[] b, int off, int len) {
            if (len < HEADER) return false;
            byte k = b[off];
            if (k != SYNC && k != WARMUP && k != MEASURED) return false;
            long p = unhex(b, off + 1, 4);
            long s = unhex(b, off + 5, 11);
            long t = unhex(b, off + 16, 16);
            if (p < 0 || s < 0 || t < 0) return false;
            kind = k;
            publisher = (int) p;
            seq = s;
            intended = t;
            return true;
        }
    }

    /** The value of {@code digits} hex digits, or -1 if any is not a hex digit (or the value is negative). */
    static long unhex(byte[] b, int off, int digits) {
        long v = 0;
        int bad = 0;
        for (int i = 0; i < digits; i++) {
            int d = UNHEX[b[off + i] & 0xff];
            bad |= d;
            v = (v << 4) | (d & 15);
        }
        return bad < 0 || v < 0 ? -1 : v;
    }
}
