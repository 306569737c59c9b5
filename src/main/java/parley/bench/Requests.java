package parley.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import parley.protocol.Codec;
import parley.protocol.FromClient;

/** The request lines the bench sends, encoded by the protocol's codec. */
final class Requests {
    private Requests() {}

    static byte[] join(String group) {
        return Codec.encode(new FromClient.Join(group));
    }

    /**
     * A {@code Post} line for one group with a blank payload, encoded once; each send copies it
     * and stamps a fresh header into the payload's place, so the hot path never encodes JSON.
     */
    static final class PostTemplate {
        private final byte[] line;
        private final int payloadOffset;
        private final byte[] header = new byte[Payload.HEADER];

        PostTemplate(String group, int size) {
            byte[] payload = Payload.blank(size);
            line = Codec.encode(new FromClient.Post(group, new String(payload, StandardCharsets.US_ASCII)));
            payloadOffset = lastIndexOf(line, payload);
            if (payloadOffset < 0) throw new IllegalStateException("payload not found verbatim in the encoded Post");
        }

        int length() {
            return line.length;
        }

        /** Appends the line with its header stamped; the buffer must have {@link #length} bytes free. */
        void put(ByteBuffer out, byte kind, int publisher, long seq, long intendedNanos) {
            int pos = out.position();
            out.put(line);
            Payload.write(header, 0, kind, publisher, seq, intendedNanos);
            out.put(pos + payloadOffset, header, 0, Payload.HEADER);
        }

        /** The line with a stamped header, as a new array (for tests and one-off sends). */
        byte[] stamped(byte kind, int publisher, long seq, long intendedNanos) {
            ByteBuffer b = ByteBuffer.allocate(line.length);
            put(b, kind, publisher, seq, intendedNanos);
            return b.array();
        }

        static int lastIndexOf(byte[] hay, byte[] needle) {
            outer:
            for (int i = hay.length - needle.length; i >= 0; i--) {
                for (int j = 0; j < needle.length; j++) {
                    if (hay[i + j] != needle[j]) continue outer;
                }
                return i;
            }
            return -1;
        }
    }
}
