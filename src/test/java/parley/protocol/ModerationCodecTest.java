package parley.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The moderation packets on the wire (docs/moderation.md): exact bytes, round trips, Errors naming bad fields. */
@DisplayName("moderation codec")
class ModerationCodecTest {

    private static FromClient request(String s) throws ProtocolException {
        byte[] b = s.getBytes(UTF_8);
        return Codec.decodeRequest(b, 0, b.length);
    }

    private static FromServer reply(String s) throws ProtocolException {
        byte[] b = s.getBytes(UTF_8);
        return Codec.decodeReply(b, 0, b.length);
    }

    private static String line(byte[] b) {
        return new String(b, UTF_8);
    }

    @Test
    @DisplayName("requests decode as the issue writes them, and encode back to the same line")
    void requests() throws Exception {
        var cases = List.of(
                List.of("{\"Op\":{\"group_name\":\"g\",\"name\":\"bob\"}}", new FromClient.Op("g", "bob")),
                List.of("{\"Deop\":{\"group_name\":\"g\",\"name\":\"bob\"}}", new FromClient.Deop("g", "bob")),
                List.of("{\"Owner\":{\"group_name\":\"g\",\"name\":\"bob\"}}", new FromClient.Owner("g", "bob")),
                List.of("{\"Drop\":{\"group_name\":\"g\"}}", new FromClient.Drop("g")),
                List.of("{\"Topic\":{\"group_name\":\"g\",\"topic\":\"walks \\\"at\\\" noon\"}}",
                        new FromClient.Topic("g", "walks \"at\" noon")),
                List.of("{\"Kick\":{\"group_name\":\"g\",\"name\":\"bob\"}}", new FromClient.Kick("g", "bob", null)),
                List.of("{\"Kick\":{\"group_name\":\"g\",\"name\":\"bob\",\"reason\":\"rude\"}}",
                        new FromClient.Kick("g", "bob", "rude")),
                List.of("{\"Ban\":{\"group_name\":\"g\",\"name\":\"bob\",\"reason\":\"spam\",\"for\":\"12h\"}}",
                        new FromClient.Ban("g", "bob", "spam", Duration.ofHours(12))),
                List.of("{\"Ban\":{\"group_name\":\"g\",\"name\":\"bob\"}}", new FromClient.Ban("g", "bob", null, null)),
                List.of("{\"Unban\":{\"group_name\":\"g\",\"name\":\"bob\"}}", new FromClient.Unban("g", "bob")),
                List.of("{\"Mute\":{\"group_name\":\"g\",\"name\":\"bob\",\"for\":\"10m\"}}",
                        new FromClient.Mute("g", "bob", Duration.ofMinutes(10))),
                List.of("{\"Unmute\":{\"group_name\":\"g\",\"name\":\"bob\"}}", new FromClient.Unmute("g", "bob")),
                List.of("{\"Mode\":{\"group_name\":\"g\",\"invite_only\":true,\"moderated\":false,\"private\":true}}",
                        new FromClient.Mode("g", true, false, true)),
                List.of("{\"Mode\":{\"group_name\":\"g\",\"moderated\":true}}", new FromClient.Mode("g", null, true, null)),
                List.of("{\"Invite\":{\"group_name\":\"g\",\"name\":\"bob\"}}", new FromClient.Invite("g", "bob")),
                List.of("{\"GroupInfo\":{\"group_name\":\"g\"}}", new FromClient.GroupInfo("g")),
                List.of("{\"Suspend\":{\"name\":\"bob\",\"for\":\"7d\"}}", new FromClient.Suspend("bob", Duration.ofDays(7))),
                List.of("{\"Unsuspend\":{\"name\":\"bob\"}}", new FromClient.Unsuspend("bob")));
        for (List<?> c : cases) {
            String wire = (String) c.get(0);
            assertThat(request(wire)).as(wire).isEqualTo(c.get(1));
            assertThat(line(Codec.encode((FromClient) c.get(1)))).isEqualTo(wire + "\n");
        }
        assertThat(request("{\"Ban\":{\"for\":\"2w\",\"name\":\"bob\",\"group_name\":\"g\",\"extra\":[1]}}"))
                .isEqualTo(new FromClient.Ban("g", "bob", null, Duration.ofDays(14)));
    }

    @Test
    @DisplayName("bad requests get an Error naming the field")
    void badRequests() {
        assertThatThrownBy(() -> request("{\"Kick\":{\"group_name\":\"g\"}}")).hasMessage("missing field 'name' in Kick");
        assertThatThrownBy(() -> request("{\"Op\":{\"name\":\"bob\"}}")).hasMessage("missing field 'group_name' in Op");
        assertThatThrownBy(() -> request("{\"Topic\":{\"group_name\":\"g\"}}")).hasMessage("missing field 'topic' in Topic");
        assertThatThrownBy(() -> request("{\"Suspend\":{\"name\":\"bob\"}}")).hasMessage("missing field 'for' in Suspend");
        for (String bad : List.of("10", "0m", "-1h", "h", "10y", "1.5h", "99999d", " 1h")) {
            assertThatThrownBy(() -> request("{\"Ban\":{\"group_name\":\"g\",\"name\":\"b\",\"for\":\"" + bad + "\"}}"))
                    .as(bad).hasMessageStartingWith("field 'for' of Ban must be a duration such as \"10m\", \"24h\" or \"7d\"");
        }
        assertThatThrownBy(() -> request("{\"Mode\":{\"group_name\":\"g\",\"private\":\"yes\"}}"))
                .hasMessage("field 'private' of Mode must be true or false");
    }

    @Test
    @DisplayName("GroupEvent, GroupInfo, Topic, Suspended encode as documented, absent fields left out, and decode back")
    void replies() throws Exception {
        var ban = new FromServer.GroupEvent("g", "ban", "alice", "bob", "spam", null, 1765200000000L, null, 12, 1765100000000L);
        assertThat(line(Codec.encode(ban))).isEqualTo("{\"GroupEvent\":{\"group_name\":\"g\",\"kind\":\"ban\",\"by\":\"alice\","
                + "\"name\":\"bob\",\"reason\":\"spam\",\"until\":1765200000000,\"seq\":12,\"ts\":1765100000000}}\n");
        var mode = new FromServer.GroupEvent("g", "mode", "alice", null, null, null, 0,
                new FromServer.Modes(true, false, true), 13, 1765100000001L);
        assertThat(line(Codec.encode(mode))).isEqualTo("{\"GroupEvent\":{\"group_name\":\"g\",\"kind\":\"mode\",\"by\":\"alice\","
                + "\"invite_only\":true,\"moderated\":false,\"private\":true,\"seq\":13,\"ts\":1765100000001}}\n");
        var topic = new FromServer.GroupEvent("g", "topic", "alice", null, null, "walks", 0, null, 14, 5);
        assertThat(line(Codec.encode(topic))).contains("\"kind\":\"topic\",\"by\":\"alice\",\"topic\":\"walks\",\"seq\":14");
        var info = new FromServer.GroupDetails("g", "alice", List.of("bob"), "walks",
                new FromServer.Modes(false, false, false), 3);
        assertThat(line(Codec.encode(info))).isEqualTo("{\"GroupInfo\":{\"group_name\":\"g\",\"owner\":\"alice\","
                + "\"operators\":[\"bob\"],\"topic\":\"walks\",\"invite_only\":false,\"moderated\":false,\"private\":false,"
                + "\"members\":3}}\n");
        var ownerless = new FromServer.GroupDetails("g", null, List.of(), null, FromServer.Modes.OPEN, 1);
        assertThat(line(Codec.encode(ownerless))).isEqualTo("{\"GroupInfo\":{\"group_name\":\"g\",\"operators\":[],"
                + "\"invite_only\":false,\"moderated\":false,\"private\":false,\"members\":1}}\n");
        var shown = new FromServer.Topic("g", "walks", "alice", 1765100000000L);
        assertThat(line(Codec.encode(shown)))
                .isEqualTo("{\"Topic\":{\"group_name\":\"g\",\"topic\":\"walks\",\"by\":\"alice\",\"ts\":1765100000000}}\n");
        assertThat(line(Codec.encode(new FromServer.Suspended("bob", 99)))).isEqualTo("{\"Suspended\":{\"name\":\"bob\",\"until\":99}}\n");
        for (FromServer r : List.of(ban, mode, topic, info, ownerless, shown, new FromServer.Suspended("bob", 99),
                new FromServer.Unsuspended("bob"))) {
            byte[] b = Codec.encode(r);
            assertThat(Codec.decodeReply(b, 0, b.length - 1)).isEqualTo(r);
        }
        assertThat(reply("{\"GroupInfo\":{\"group_name\":\"g\",\"owner\":null,\"operators\":[],\"members\":2}}"))
                .isEqualTo(new FromServer.GroupDetails("g", null, List.of(), null, FromServer.Modes.OPEN, 2));
    }
}
