package parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import parley.protocol.FromServer;

class CompletionTest {

    @Test
    void commandsThenGroupNamesThenMemberNamesInAPost() {
        Completion c = new Completion();
        c.typed("join dogs");
        c.typed("post cats hi"); // not a join: cats is not learnt from it
        c.learn(new FromServer.Groups(List.of(new FromServer.GroupInfo("birds", 2))));
        c.learn(new FromServer.Members("fish", List.of("carol", "alice")));
        c.learn(new FromServer.Message("dogs", "woof", "bob", 3));
        c.learn(new FromServer.Message("ants", "book message"));

        assertThat(c.candidates(List.of(""), 0)).containsExactly("join", "post", "nick", "leave", "list", "who", "history",
                "topic", "kick", "ban", "unban", "mute", "unmute", "op", "deop", "owner", "drop", "mode", "invite", "info",
                "suspend", "unsuspend");
        for (String command : List.of("join", "post", "leave", "who", "history")) {
            assertThat(c.candidates(List.of(command, "d"), 1)).as(command)
                    .containsExactly("ants", "birds", "dogs", "fish");
        }
        assertThat(c.candidates(List.of("post", "dogs", "hi", "b"), 3)).containsExactly("alice", "bob", "carol");
        assertThat(c.candidates(List.of("nick", "x"), 1)).isEmpty();
        assertThat(c.candidates(List.of("history", "dogs", "1"), 2)).isEmpty();
        assertThat(c.candidates(List.of("list", ""), 1)).isEmpty();
    }

    @Test
    void presenceTeachesMemberAndGroupNames() {
        Completion c = new Completion();
        c.learn(new FromServer.Joined("dogs", "dave"));
        c.learn(new FromServer.Left("cats", "erin"));
        assertThat(c.candidates(List.of("post", "dogs", "d"), 2)).containsExactly("dave", "erin");
        assertThat(c.candidates(List.of("kick", "dogs", ""), 2)).containsExactly("dave", "erin");
        assertThat(c.candidates(List.of("join", ""), 1)).containsExactly("cats", "dogs");
    }
}
