package parley.cluster;

import java.nio.charset.StandardCharsets;

/**
 * A post as the bus carries it: two bytes giving the length of the poster's UTF-8 name
 * ({@code 0xFFFF} when the poster never said Hello), the name, then the text in UTF-8. The client
 * protocol's JSON is never on the bus: each node encodes what it delivers, once, for its own members.
 */
final class BusPayload {
    private static final int NO_NAME = 0xFFFF;

    private BusPayload() {}

    record Post(String from, String message) {}

    static byte[] encode(String from, String message) {
        byte[] f = from == null ? new byte[0] : from.getBytes(StandardCharsets.UTF_8);
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        if (f.length >= NO_NAME) throw new IllegalArgumentException("name too long for the bus");
        byte[] out = new byte[2 + f.length + m.length];
        int len = from == null ? NO_NAME : f.length;
        out[0] = (byte) (len >> 8);
        out[1] = (byte) len;
        System.arraycopy(f, 0, out, 2, f.length);
        System.arraycopy(m, 0, out, 2 + f.length, m.length);
        return out;
    }

    /** Null if the bytes are not a post (something else wrote to a Parley subject). */
    static Post decode(byte[] data) {
        if (data == null || data.length < 2) return null;
        int len = ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
        String from = null;
        int off = 2;
        if (len != NO_NAME) {
            if (2 + len > data.length) return null;
            from = new String(data, 2, len, StandardCharsets.UTF_8);
            off += len;
        }
        return new Post(from, new String(data, off, data.length - off, StandardCharsets.UTF_8));
    }
}
