package parley.bench;

import java.nio.charset.StandardCharsets;
import parley.protocol.Codec;
import parley.protocol.FromServer;
import parley.protocol.ProtocolException;

/**
 * Splits what a subscriber read into reply lines and says what each one is. The exact bytes a
 * serde-compatible server sends, {@code {"Message":{"group_name":"G","message":"M"}}}, are
 * matched in place without allocating; any other spelling (white space, field order, escapes)
 * goes through {@link Codec#decodeReply}, so the bench works with any server that speaks the
 * protocol, just a little slower.
 */
final class ReplyScanner {
    private static final byte[] MESSAGE_PREFIX = ascii("{\"Message\":{\"group_name\":\"");
    private static final byte[] MESSAGE_FIELD = ascii("\",\"message\":\"");
    private static final byte[] MESSAGE_END = ascii("\"}}");
    static final String DROPPED = "Dropped ";

    /** What the scanner found, line by line. */
    interface Sink {
        /** A message for the subscriber's group; {@code off, len} is the message text. */
        void message(byte[] b, int off, int len);

        /** A lag notice: {@code Dropped N messages from G.} */
        void lagNotice(long dropped);

        /** Any other Error packet. */
        void error(String text);

        /** A line that is not a valid reply, or a message for another group. */
        void malformed(String why);
    }

    private ReplyScanner() {}

    /**
     * Hands every complete line in {@code b[start, end)} to the sink; returns where the first
     * incomplete line starts ({@code end} if none).
     */
    static int scan(byte[] b, int start, int end, byte[] group, Sink sink) {
        int s = start;
        while (s < end) {
            int nl = indexOf(b, (byte) '\n', s, end);
            if (nl < 0) break;
            int e = nl > s && b[nl - 1] == '\r' ? nl - 1 : nl;
            if (e > s) line(b, s, e, group, sink);
            s = nl + 1;
        }
        return s;
    }

    private static void line(byte[] b, int s, int e, byte[] group, Sink sink) {
        // Fast path: the exact serde_json layout for our group.
        int g = s + MESSAGE_PREFIX.length;
        int f = g + group.length;
        int m = f + MESSAGE_FIELD.length;
        if (m + MESSAGE_END.length <= e
                && regionEquals(b, s, MESSAGE_PREFIX)
                && regionEquals(b, g, group)
                && regionEquals(b, f, MESSAGE_FIELD)
                && regionEquals(b, e - MESSAGE_END.length, MESSAGE_END)) {
            sink.message(b, m, e - MESSAGE_END.length - m);
            return;
        }
        slow(b, s, e, group, sink);
    }

    private static void slow(byte[] b, int s, int e, byte[] group, Sink sink) {
        FromServer reply;
        try {
            reply = Codec.decodeReply(b, s, e - s);
        } catch (ProtocolException ex) {
            sink.malformed(ex.getMessage());
            return;
        }
        switch (reply) {
            case FromServer.Message msg -> {
                if (!msg.groupName().equals(new String(group, StandardCharsets.UTF_8))) {
                    sink.malformed("a message for group '" + msg.groupName() + "', which this subscriber did not join");
                    return;
                }
                byte[] text = msg.message().getBytes(StandardCharsets.UTF_8);
                sink.message(text, 0, text.length);
            }
            case FromServer.Error err -> {
                long dropped = droppedCount(err.text());
                if (dropped >= 0) sink.lagNotice(dropped);
                else sink.error(err.text());
            }
            default -> sink.malformed("an unexpected reply for a bench subscriber: " + reply);
        }
    }

    /** N from {@code Dropped N messages from G.}, or -1 if the text is not a lag notice. */
    static long droppedCount(String text) {
        if (!text.startsWith(DROPPED)) return -1;
        long n = 0;
        int i = DROPPED.length();
        int digits = 0;
        for (; i < text.length() && digits < 18; i++, digits++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') break;
            n = n * 10 + (c - '0');
        }
        return digits == 0 ? -1 : n;
    }

    static int indexOf(byte[] b, byte x, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == x) return i;
        }
        return -1;
    }

    private static boolean regionEquals(byte[] b, int off, byte[] expected) {
        return java.util.Arrays.equals(b, off, off + expected.length, expected, 0, expected.length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
