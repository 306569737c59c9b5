package parley.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.ProtocolException;

/**
 * The codec's hot paths: encoding a {@code Message} line (once per post, shared by every member)
 * and decoding a {@code Post} request (once per post), for a 64-byte and a 1 KiB message, plain
 * ASCII or with characters JSON must escape.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {

    @Param({"64", "1024"})
    int size;

    /** {@code plain}: letters and spaces; {@code escaped}: every 8th character is one JSON escapes. */
    @Param({"plain", "escaped"})
    String text;

    private String message;
    private byte[] postLine;
    private int postLength;

    @Setup
    public void setup() {
        message = message(size, text.equals("escaped"));
        byte[] line = Codec.encode(new FromClient.Post("dogs", message));
        postLine = line;
        postLength = line.length - 1; // without the newline, as the line reader hands it over
    }

    /** {@code size} characters of chat-like text; with escapes, every 8th is a quote, backslash, newline, tab or control. */
    static String message(int size, boolean escapes) {
        String letters = "the quick brown fox jumps over the lazy dog ";
        char[] special = {'"', '\\', '\n', '\t', '\u0001'};
        StringBuilder b = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            if (escapes && i % 8 == 7) b.append(special[(i / 8) % special.length]);
            else b.append(letters.charAt(i % letters.length()));
        }
        return b.toString();
    }

    @Benchmark
    public byte[] encodeMessage() {
        return Codec.encodeMessage("dogs", message);
    }

    @Benchmark
    public FromClient decodeRequest() throws ProtocolException {
        return Codec.decodeRequest(postLine, 0, postLength);
    }
}
