package parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import parley.protocol.Codec;

class ReplyScannerTest {

    /** Records what the scanner reports, as text. */
    static final class Recorder implements ReplyScanner.Sink {
        final List<String> events = new ArrayList<>();

        @Override
        public void message(byte[] b, int off, int len) {
            events.add("message " + new String(b, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void lagNotice(long dropped) {
            events.add("lag " + dropped);
        }

        @Override
        public void error(String text) {
            events.add("error " + text);
        }

        @Override
        public void malformed(String why) {
            events.add("malformed");
        }
    }

    private static final byte[] GROUP = "dogs".getBytes(StandardCharsets.UTF_8);

    private static List<String> scan(String input, int[] consumed) {
        byte[] b = input.getBytes(StandardCharsets.UTF_8);
        Recorder r = new Recorder();
        consumed[0] = ReplyScanner.scan(b, 0, b.length, GROUP, r);
        return r.events;
    }

    @Test
    void readsTheServersExactBytes() {
        byte[] line = Codec.encodeMessage("dogs", "hello");
        int[] n = new int[1];
        assertThat(scan(new String(line, StandardCharsets.UTF_8), n)).containsExactly("message hello");
        assertThat(n[0]).isEqualTo(line.length);
    }

    @Test
    void readsAnyValidSpellingThroughTheCodec() {
        int[] n = new int[1];
        String input = "{ \"Message\" : { \"message\" : \"a\\\"b\", \"group_name\" : \"dogs\", \"extra\": 1 } }\r\n";
        assertThat(scan(input, n)).containsExactly("message a\"b");
        assertThat(n[0]).isEqualTo(input.length());
    }

    @Test
    void lagNoticesAndErrorsAreToldApart() {
        int[] n = new int[1];
        String input = "{\"Error\":\"Dropped 260 messages from dogs.\"}\n{\"Error\":\"Group 'cats' does not exist\"}\n";
        assertThat(scan(input, n)).containsExactly("lag 260", "error Group 'cats' does not exist");
        assertThat(ReplyScanner.droppedCount("Dropped x messages")).isEqualTo(-1);
        assertThat(ReplyScanner.droppedCount("Something else")).isEqualTo(-1);
    }

    @Test
    void anIncompleteLineWaitsForMoreBytes() {
        byte[] line = Codec.encodeMessage("dogs", "hello");
        String whole = new String(line, StandardCharsets.UTF_8);
        String input = whole + whole.substring(0, 10);
        int[] n = new int[1];
        assertThat(scan(input, n)).containsExactly("message hello");
        assertThat(n[0]).isEqualTo(line.length);
    }

    @Test
    void otherGroupsGarbageAndBlankLinesAreHandled() {
        int[] n = new int[1];
        String input = new String(Codec.encodeMessage("cats", "x"), StandardCharsets.UTF_8) + "\n\r\nnot json\n";
        assertThat(scan(input, n)).containsExactly("malformed", "malformed");
        assertThat(n[0]).isEqualTo(input.length());
    }
}
