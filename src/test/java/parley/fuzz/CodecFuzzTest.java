package parley.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.protocol.ProtocolException;

/**
 * The codec against arbitrary bytes. Properties, for every input:
 * <ul>
 *   <li>decoding either returns a packet or throws {@link ProtocolException} with a message for the
 *       peer: no other exception escapes (no NPE, no Jackson exception, no overflow);</li>
 *   <li>a decoded packet encodes to one line (a single newline, at the end) that decodes back to an
 *       equal packet, and encoding that again gives the same bytes (the encoding is canonical);</li>
 *   <li>the result does not depend on where the line sits in its array ({@code off}/{@code len}).</li>
 * </ul>
 *
 * <p>Without {@code JAZZER_FUZZ} these replay the seed corpus in
 * {@code src/test/resources/parley/fuzz/CodecFuzzTestInputs/} (and any crash files saved there);
 * {@code scripts/fuzz.sh} fuzzes them. See docs/reliability.md.
 */
class CodecFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decodeRequest(byte[] line) {
        FromClient packet = request(line);
        FromClient shifted = request(shifted(line));
        assertThat(shifted).isEqualTo(packet);
        if (packet == null) return;
        byte[] encoded = Codec.encode(packet);
        assertOneLine(encoded);
        FromClient back = request(Arrays.copyOf(encoded, encoded.length - 1));
        assertThat(back).as("re-decoded %s", packet).isEqualTo(packet);
        assertThat(Codec.encode(back)).isEqualTo(encoded);
    }

    @FuzzTest(maxDuration = "30s")
    void decodeReply(byte[] line) {
        FromServer packet = reply(line);
        FromServer shifted = reply(shifted(line));
        assertThat(shifted).isEqualTo(packet);
        if (packet == null) return;
        byte[] encoded = Codec.encode(packet);
        assertOneLine(encoded);
        FromServer back = reply(Arrays.copyOf(encoded, encoded.length - 1));
        assertThat(back).as("re-decoded %s", packet).isEqualTo(packet);
        assertThat(Codec.encode(back)).isEqualTo(encoded);
    }

    /** The decoded request, or null for a ProtocolException (which must carry a message). */
    private static FromClient request(byte[] b) {
        return request(b, 0, b.length);
    }

    private static FromClient request(Framed f) {
        return request(f.buf, f.off, f.len);
    }

    private static FromClient request(byte[] b, int off, int len) {
        try {
            return Codec.decodeRequest(b, off, len);
        } catch (ProtocolException e) {
            assertThat(e.getMessage()).isNotBlank();
            return null;
        }
    }

    private static FromServer reply(byte[] b) {
        return reply(b, 0, b.length);
    }

    private static FromServer reply(Framed f) {
        return reply(f.buf, f.off, f.len);
    }

    private static FromServer reply(byte[] b, int off, int len) {
        try {
            return Codec.decodeReply(b, off, len);
        } catch (ProtocolException e) {
            assertThat(e.getMessage()).isNotBlank();
            return null;
        }
    }

    private record Framed(byte[] buf, int off, int len) {}

    /** The same line inside a larger array, between bytes that would change its meaning if read. */
    private static Framed shifted(byte[] line) {
        byte[] b = new byte[line.length + 7];
        Arrays.fill(b, (byte) '}');
        b[0] = (byte) 0xFF;
        b[b.length - 1] = 0;
        System.arraycopy(line, 0, b, 3, line.length);
        return new Framed(b, 3, line.length);
    }

    private static void assertOneLine(byte[] encoded) {
        assertThat(encoded).isNotEmpty();
        assertThat(encoded[encoded.length - 1]).isEqualTo((byte) '\n');
        for (int i = 0; i < encoded.length - 1; i++) {
            assertThat(encoded[i]).as("byte %d of an encoded line", i).isNotEqualTo((byte) '\n');
        }
    }
}
