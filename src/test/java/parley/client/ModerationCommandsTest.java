package parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import parley.protocol.FromClient;
import parley.protocol.FromServer;

/** The terminal client's moderation commands, how it shows the moderation packets, and their completion. */
@DisplayName("client moderation commands")
class ModerationCommandsTest {

    private static FromClient sent(String line) {
        Command c = CommandParser.parse(line);
        assertThat(c).as(line).isInstanceOf(Command.Send.class);
        return ((Command.Send) c).request();
    }

    private static String invalid(String line) {
        Command c = CommandParser.parse(line);
        assertThat(c).as(line).isInstanceOf(Command.Invalid.class);
        return ((Command.Invalid) c).hint();
    }

    @Test
    @DisplayName("each command becomes its request")
    void commands() {
        assertThat(sent("topic dogs walks at  noon")).isEqualTo(new FromClient.Topic("dogs", "walks at  noon"));
        assertThat(sent("topic dogs")).isEqualTo(new FromClient.Topic("dogs", ""));
        assertThat(sent("kick dogs bob")).isEqualTo(new FromClient.Kick("dogs", "bob", null));
        assertThat(sent("kick dogs bob too loud")).isEqualTo(new FromClient.Kick("dogs", "bob", "too loud"));
        assertThat(sent("ban dogs bob")).isEqualTo(new FromClient.Ban("dogs", "bob", null, null));
        assertThat(sent("ban dogs bob for 24h spam")).isEqualTo(new FromClient.Ban("dogs", "bob", "spam", Duration.ofHours(24)));
        assertThat(sent("ban dogs bob spam again")).isEqualTo(new FromClient.Ban("dogs", "bob", "spam again", null));
        assertThat(sent("unban dogs bob")).isEqualTo(new FromClient.Unban("dogs", "bob"));
        assertThat(sent("mute dogs bob for 10m")).isEqualTo(new FromClient.Mute("dogs", "bob", Duration.ofMinutes(10)));
        assertThat(sent("mute dogs bob")).isEqualTo(new FromClient.Mute("dogs", "bob", null));
        assertThat(sent("unmute dogs bob")).isEqualTo(new FromClient.Unmute("dogs", "bob"));
        assertThat(sent("op dogs bob")).isEqualTo(new FromClient.Op("dogs", "bob"));
        assertThat(sent("deop dogs bob")).isEqualTo(new FromClient.Deop("dogs", "bob"));
        assertThat(sent("owner dogs bob")).isEqualTo(new FromClient.Owner("dogs", "bob"));
        assertThat(sent("drop dogs")).isEqualTo(new FromClient.Drop("dogs"));
        assertThat(sent("mode dogs +invite_only -moderated private"))
                .isEqualTo(new FromClient.Mode("dogs", true, false, true));
        assertThat(sent("mode dogs -private")).isEqualTo(new FromClient.Mode("dogs", null, null, false));
        assertThat(sent("invite dogs bob")).isEqualTo(new FromClient.Invite("dogs", "bob"));
        assertThat(sent("info dogs")).isEqualTo(new FromClient.GroupInfo("dogs"));
        assertThat(sent("suspend bob 7d")).isEqualTo(new FromClient.Suspend("bob", Duration.ofDays(7)));
        assertThat(sent("unsuspend bob")).isEqualTo(new FromClient.Unsuspend("bob"));
    }

    @Test
    @DisplayName("a wrong use says how the command goes")
    void usage() {
        assertThat(invalid("kick dogs")).isEqualTo("usage: kick GROUP NAME [REASON...]");
        assertThat(invalid("ban dogs bob for ever")).startsWith("usage: ban GROUP NAME [for DURATION] [REASON...]");
        assertThat(invalid("mute dogs bob for")).isEqualTo("usage: mute GROUP NAME [for DURATION]");
        assertThat(invalid("mode dogs")).isEqualTo("usage: mode GROUP [+|-]invite_only [+|-]moderated [+|-]private");
        assertThat(invalid("mode dogs +loud")).isEqualTo("usage: mode GROUP [+|-]invite_only [+|-]moderated [+|-]private");
        assertThat(invalid("suspend bob")).startsWith("usage: suspend NAME DURATION");
        assertThat(invalid("op dogs bob carol")).isEqualTo("usage: op GROUP NAME");
        assertThat(invalid("frobnicate")).contains("kick GROUP NAME [REASON...]");
    }

    @Test
    @DisplayName("events, GroupInfo and Topic read as sentences")
    void shown() {
        assertThat(ReplyFormat.format(new FromServer.GroupEvent("dogs", "ban", "alice", "bob", "spam", null,
                1_765_000_000_000L, null, 9, 1))).isEqualTo("alice banned bob from dogs until 2025-12-06T05:46:40Z (spam)");
        assertThat(ReplyFormat.format(new FromServer.GroupEvent("dogs", "kick", "alice", "bob", null, null, 0, null, 9, 1)))
                .isEqualTo("alice kicked bob from dogs");
        assertThat(ReplyFormat.format(new FromServer.GroupEvent("dogs", "topic", "alice", null, null, "walks", 0, null, 9, 1)))
                .isEqualTo("alice set the topic of dogs: walks");
        assertThat(ReplyFormat.format(new FromServer.GroupEvent("dogs", "mode", "alice", null, null, null, 0,
                new FromServer.Modes(true, false, true), 9, 1))).isEqualTo("alice set the modes of dogs: +invite_only -moderated +private");
        assertThat(ReplyFormat.format(new FromServer.GroupEvent("dogs", "op", "alice", "bob", null, null, 0, null, 9, 1)))
                .isEqualTo("alice made bob an operator of dogs");
        assertThat(ReplyFormat.format(new FromServer.GroupDetails("dogs", "alice", List.of("bob", "carol"), "walks",
                new FromServer.Modes(false, true, false), 3))).isEqualTo(
                "group dogs: owner alice, operators bob, carol, modes -invite_only +moderated -private, 3 members; topic: walks");
        assertThat(ReplyFormat.format(new FromServer.GroupDetails("cats", null, List.of(), null, FromServer.Modes.OPEN, 1)))
                .isEqualTo("group cats: owner none, operators none, modes -invite_only -moderated -private, 1 member");
        assertThat(ReplyFormat.format(new FromServer.Topic("dogs", "walks", "alice", 5))).isEqualTo("topic of dogs: walks (set by alice)");
    }

    @Test
    @DisplayName("Tab completes the new commands, groups, names and modes")
    void completion() {
        Completion c = new Completion();
        c.learn(new FromServer.GroupEvent("dogs", "op", "alice", "bob", null, null, 0, null, 1, 1));
        assertThat(c.candidates(List.of(""), 0)).contains("kick", "ban", "mode", "info", "suspend");
        assertThat(c.candidates(List.of("kick", ""), 1)).containsExactly("dogs");
        assertThat(c.candidates(List.of("kick", "dogs", ""), 2)).containsExactly("bob");
        assertThat(c.candidates(List.of("mode", "dogs", ""), 2)).contains("+private", "-moderated");
        assertThat(c.candidates(List.of("ban", "dogs", "bob", ""), 3)).containsExactly("for");
    }
}
