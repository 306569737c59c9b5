package parley.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.ProtocolException;

class PayloadTest {

    @Test
    void headerRoundTrips() {
        byte[] b = Payload.blank(64);
        Payload.write(b, 0, Payload.MEASURED, 0xbeef, Payload.MAX_SEQ, Long.MAX_VALUE);
        Payload.Header h = new Payload.Header();
        assertThat(h.read(b, 0, b.length)).isTrue();
        assertThat(h.kind).isEqualTo(Payload.MEASURED);
        assertThat(h.publisher).isEqualTo(0xbeef);
        assertThat(h.seq).isEqualTo(Payload.MAX_SEQ);
        assertThat(h.intended).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void blankIsPaddedPlainAsciiOfTheAskedSize() {
        byte[] b = Payload.blank(100);
        assertThat(b).hasSize(100);
        String s = new String(b, StandardCharsets.US_ASCII);
        assertThat(s).matches("M0{31}\\.{68}");
        assertThatThrownBy(() -> Payload.blank(31)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsWhatTheBenchDidNotSend() {
        Payload.Header h = new Payload.Header();
        byte[] ok = Payload.blank(32);
        Payload.write(ok, 0, Payload.SYNC, 1, 2, 3);
        assertThat(h.read(ok, 0, 31)).as("too short").isFalse();
        byte[] kind = ok.clone();
        kind[0] = 'X';
        assertThat(h.read(kind, 0, 32)).as("unknown kind").isFalse();
        byte[] digit = ok.clone();
        digit[7] = 'g';
        assertThat(h.read(digit, 0, 32)).as("not hex").isFalse();
        byte[] negative = ok.clone();
        negative[16] = 'f';
        assertThat(h.read(negative, 0, 32)).as("a negative time").isFalse();
        assertThat(h.read(ok, 0, 32)).isTrue();
    }

    @Test
    void postTemplateStampsTheHeaderIntoTheEncodedLine() throws ProtocolException {
        Requests.PostTemplate t = new Requests.PostTemplate("bench-1-0", 40);
        byte[] line = t.stamped(Payload.WARMUP, 3, 17, 123_456_789L);
        assertThat(line.length).isEqualTo(t.length());
        FromClient packet = Codec.decodeRequest(line, 0, line.length - 1);
        assertThat(packet).isInstanceOf(FromClient.Post.class);
        FromClient.Post post = (FromClient.Post) packet;
        assertThat(post.groupName()).isEqualTo("bench-1-0");
        byte[] text = post.message().getBytes(StandardCharsets.US_ASCII);
        assertThat(text).hasSize(40);
        Payload.Header h = new Payload.Header();
        assertThat(h.read(text, 0, text.length)).isTrue();
        assertThat(h.kind).isEqualTo(Payload.WARMUP);
        assertThat(h.publisher).isEqualTo(3);
        assertThat(h.seq).isEqualTo(17);
        assertThat(h.intended).isEqualTo(123_456_789L);
    }
}
