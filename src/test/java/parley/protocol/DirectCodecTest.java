package parley.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The direct-message packets on the wire: exact bytes, round trips, and the Errors naming bad fields. */
@DisplayName("direct-message codec")
class DirectCodecTest {

    private static String line(byte[] b) {
        return new String(b, UTF_8);
    }

    private static FromClient request(String s) throws ProtocolException {
        byte[] b = s.getBytes(UTF_8);
        return Codec.decodeRequest(b, 0, b.length);
    }

    private static FromServer reply(byte[] b) throws ProtocolException {
        return Codec.decodeReply(b, 0, b.length - 1);
    }

    @Test
    @DisplayName("requests decode as the issue writes them")
    void requests() throws Exception {
        assertThat(request("{\"Direct\":{\"to\":\"bob\",\"message\":\"hi\",\"id\":\"c9\"}}"))
                .isEqualTo(new FromClient.Direct("bob", "hi", "c9"));
        assertThat(request("{\"Conversations\":{}}")).isEqualTo(new FromClient.Conversations());
        assertThat(request("{\"FetchDirect\":{\"with\":\"alice\",\"before\":9,\"limit\":50}}")).isEqualTo(
                new FromClient.FetchDirect("alice", OptionalLong.empty(), OptionalLong.of(9), 50));
        assertThat(request("{\"Read\":{\"with\":\"alice\",\"seq\":7}}")).isEqualTo(new FromClient.Read("alice", 7));
        assertThat(request("{\"Block\":{\"name\":\"bob\"}}")).isEqualTo(new FromClient.Block("bob"));
        assertThat(request("{\"Unblock\":{\"name\":\"bob\"}}")).isEqualTo(new FromClient.Unblock("bob"));
        for (FromClient r : List.of(new FromClient.Direct("bob", "hi", null), new FromClient.Conversations(),
                new FromClient.FetchDirect("a", OptionalLong.of(3), OptionalLong.empty(), 10),
                new FromClient.Read("a", 1), new FromClient.Block("b"), new FromClient.Unblock("b"))) {
            byte[] b = Codec.encode(r);
            assertThat(Codec.decodeRequest(b, 0, b.length - 1)).isEqualTo(r);
        }
    }

    @Test
    @DisplayName("bad fields get an Error naming the field")
    void badFields() {
        assertThatThrownBy(() -> request("{\"Direct\":{\"to\":\"bob\",\"message\":\"hi\",\"id\":\"\"}}"))
                .hasMessage("field 'id' of Direct must be 1 to 64 printable ASCII characters");
        assertThatThrownBy(() -> request("{\"Read\":{\"with\":\"a\",\"seq\":-1}}"))
                .hasMessageStartingWith("field 'seq' of Read must be a whole number from 0 to");
        assertThatThrownBy(() -> request("{\"FetchDirect\":{\"with\":\"a\",\"after\":1,\"before\":2}}"))
                .hasMessage("fields 'after' and 'before' of FetchDirect cannot be given together");
        assertThatThrownBy(() -> request("{\"Direct\":{\"message\":\"hi\"}}")).hasMessage("missing field 'to' in Direct");
    }

    @Test
    @DisplayName("replies encode compactly and decode back")
    void replies() throws Exception {
        List<FromServer> all = List.of(new FromServer.Direct("alice", "bob", "hi", 7, 1765100000123L),
                new FromServer.Sent("bob", "c9", 7, 1765100000123L),
                new FromServer.Conversations(List.of(new FromServer.ConversationInfo("alice", 7, 5))),
                new FromServer.FetchedDirect("alice", 2, 1, 7), new FromServer.Read("alice", 7),
                new FromServer.Block("bob"), new FromServer.Unblock("bob"),
                new FromServer.Welcome("bob", "parley x", "e1", false, true, 3));
        for (FromServer r : all) assertThat(reply(Codec.encode(r))).isEqualTo(r);
        assertThat(line(Codec.encode(all.get(0))))
                .isEqualTo("{\"Direct\":{\"from\":\"alice\",\"to\":\"bob\",\"message\":\"hi\",\"seq\":7,\"ts\":1765100000123}}\n");
        assertThat(line(Codec.encode(all.get(2))))
                .isEqualTo("{\"Conversations\":[{\"with\":\"alice\",\"newest\":7,\"read\":5}]}\n");
        assertThat(line(Codec.encode(all.get(7)))).endsWith(",\"account\":true,\"unread\":3}}\n");
    }
}
