package parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;
import parley.protocol.FromServer;

class TerminalFormatTest {
    private static final AttributedStyle DOGS = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
    private static final AttributedStyle CATS =
            AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT + AttributedStyle.YELLOW);

    private static AttributedStyle styleOf(AttributedString s, String part) {
        int i = s.toString().indexOf(part);
        assertThat(i).as("'%s' in '%s'", part, s).isNotNegative();
        AttributedStyle style = s.styleAt(i);
        for (int k = i; k < i + part.length(); k++) assertThat(s.styleAt(k)).isEqualTo(style);
        return style;
    }

    @Test
    void messageHasTheBookWordsWithTheGroupInItsColour() {
        var m = new FromServer.Message("dogs", "hello, dogs", "alice", 42);
        AttributedString s = TerminalFormat.format(m);
        assertThat(s.toString()).isEqualTo("message posted to dogs by alice: hello, dogs")
                .isEqualTo(ReplyFormat.format(m));
        assertThat(styleOf(s, "dogs")).isEqualTo(DOGS);
        assertThat(styleOf(s, "alice")).isEqualTo(AttributedStyle.BOLD);
        assertThat(styleOf(s, "hello, dogs")).isEqualTo(AttributedStyle.DEFAULT);
        assertThat(styleOf(s, "message posted to ")).isEqualTo(AttributedStyle.DEFAULT);
    }

    @Test
    void bookMessageWithoutPoster() {
        var m = new FromServer.Message("cats", "meow");
        AttributedString s = TerminalFormat.format(m);
        assertThat(s.toString()).isEqualTo("message posted to cats: meow").isEqualTo(ReplyFormat.format(m));
        assertThat(styleOf(s, "cats")).isEqualTo(CATS);
    }

    @Test
    void errorsAreRed() {
        var e = new FromServer.Error("Group 'cats' does not exist");
        AttributedString s = TerminalFormat.format(e);
        assertThat(s.toString()).isEqualTo("error from server: Group 'cats' does not exist");
        assertThat(styleOf(s, s.toString())).isEqualTo(TerminalFormat.ERROR);
    }

    @Test
    void lagNoticeIsAHighlightedLineOfItsOwn() {
        AttributedString s = TerminalFormat.format(new FromServer.Error("Dropped 260 messages from dogs."));
        assertThat(s.toString()).isEqualTo("!! Dropped 260 messages from dogs. !!");
        assertThat(styleOf(s, s.toString())).isEqualTo(TerminalFormat.LAG_NOTICE)
                .isEqualTo(AttributedStyle.DEFAULT.bold().foreground(AttributedStyle.BLACK)
                        .background(AttributedStyle.YELLOW));
        // Group names may hold anything, dots and spaces included.
        assertThat(TerminalFormat.format(new FromServer.Error("Dropped 1 messages from a. b.")).toString())
                .isEqualTo("!! Dropped 1 messages from a. b. !!");
    }

    @Test
    void otherErrorsThatMentionDroppingAreNotLagNotices() {
        for (String text : List.of("Dropped the ball", "Dropped 5 messages from dogs", "xDropped 5 messages from dogs.")) {
            AttributedString s = TerminalFormat.format(new FromServer.Error(text));
            assertThat(s.toString()).isEqualTo("error from server: " + text);
            assertThat(s.styleAt(0)).isEqualTo(TerminalFormat.ERROR);
        }
    }

    @Test
    void groupsAndMembersColourTheGroupNames() {
        var groups = new FromServer.Groups(List.of(new FromServer.GroupInfo("cats", 1), new FromServer.GroupInfo("dogs", 3)));
        AttributedString g = TerminalFormat.format(groups);
        assertThat(g.toString()).isEqualTo("groups: cats (1 member), dogs (3 members)")
                .isEqualTo(ReplyFormat.format(groups));
        assertThat(styleOf(g, "cats")).isEqualTo(CATS);
        assertThat(styleOf(g, "dogs")).isEqualTo(DOGS);
        assertThat(styleOf(g, " (1 member), ")).isEqualTo(AttributedStyle.DEFAULT);

        var members = new FromServer.Members("dogs", List.of("alice", "bob"));
        AttributedString m = TerminalFormat.format(members);
        assertThat(m.toString()).isEqualTo("members of dogs: alice, bob").isEqualTo(ReplyFormat.format(members));
        assertThat(styleOf(m, "dogs")).isEqualTo(DOGS);

        assertThat(TerminalFormat.format(new FromServer.Groups(List.of())).toString()).isEqualTo("no groups");
        assertThat(TerminalFormat.format(new FromServer.Members("dogs", List.of())).toString())
                .isEqualTo("no named members in dogs");
    }

    @Test
    void welcomeIsBold() {
        AttributedString s = TerminalFormat.format(new FromServer.Welcome("alice", "parley 0.1.0"));
        assertThat(s.toString()).isEqualTo("welcome, alice (parley 0.1.0)");
        assertThat(s.styleAt(0)).isEqualTo(AttributedStyle.BOLD);
    }

    @Test
    void controlCharactersFromTheServerAreShownNotObeyed() {
        var m = new FromServer.Message("do\u001bgs", "a\u001b[2Jb\rc\nd\u007fe\u0085f\tg ünï", "bob", 1);
        String text = TerminalFormat.format(m).toString();
        assertThat(text).isEqualTo("message posted to do^[gs by bob: a^[[2Jb^Mc^Jd^?e?f\tg ünï");
        assertThat(text.chars().filter(c -> c < 0x20 && c != '\t')).isEmpty();
        assertThat(TerminalFormat.format(new FromServer.Error("bad \u001b]0;title\u0007")).toString())
                .isEqualTo("error from server: bad ^[]0;title^G");
        assertThat(TerminalFormat.safe("plain")).isSameAs("plain");
    }

    @Test
    void notesAreFaint() {
        AttributedString s = TerminalFormat.note("unknown command 'x'");
        assertThat(s.toString()).isEqualTo("unknown command 'x'");
        assertThat(s.styleAt(0)).isEqualTo(AttributedStyle.DEFAULT.faint());
    }

    private static final long TS = 1765100000123L; // 2025-12-07T09:33:20.123Z

    @Test
    void aMessageWithItsTimeShowsLocalHoursAndMinutesDimmedInTheGivenZone() {
        var m = new FromServer.Message("dogs", "hi", "alice", 42, TS);
        AttributedString utc = TerminalFormat.format(m, java.time.ZoneOffset.UTC);
        assertThat(utc.toString()).isEqualTo("09:33 message posted to dogs by alice: hi");
        assertThat(styleOf(utc, "09:33")).isEqualTo(TerminalFormat.NOTE);
        assertThat(styleOf(utc, "dogs")).isEqualTo(DOGS);
        assertThat(TerminalFormat.format(m, java.time.ZoneId.of("Asia/Kolkata")).toString())
                .startsWith("15:03 message posted to dogs");
        assertThat(TerminalFormat.format(m, java.time.ZoneId.of("America/New_York")).toString()).startsWith("04:33 ");
        // Without ts (the book's form, or a server that does not say) there is no time.
        var plain = new FromServer.Message("dogs", "hi", "alice", 42);
        assertThat(TerminalFormat.format(plain, java.time.ZoneOffset.UTC).toString())
                .isEqualTo("message posted to dogs by alice: hi");
        // Piped output never shows it.
        assertThat(ReplyFormat.format(m)).isEqualTo("message posted to dogs by alice: hi");
    }

    @Test
    void aMessageWithoutItsTimeShowsWhenItArrivedAndOneWithItsTimeKeepsIt() {
        long arrived = TS + 3 * 60_000; // 09:36 UTC
        var plain = new FromServer.Message("dogs", "hi");
        AttributedString s = TerminalFormat.format(plain, java.time.ZoneOffset.UTC, arrived);
        assertThat(s.toString()).isEqualTo("09:36 message posted to dogs: hi");
        assertThat(styleOf(s, "09:36")).isEqualTo(TerminalFormat.NOTE);
        var stamped = new FromServer.Message("dogs", "hi", "alice", 42, TS);
        assertThat(TerminalFormat.format(stamped, java.time.ZoneOffset.UTC, arrived).toString())
                .isEqualTo("09:33 message posted to dogs by alice: hi");
        assertThat(TerminalFormat.format(new FromServer.Direct("bob", "alice", "psst", 0, 0), java.time.ZoneOffset.UTC, arrived)
                .toString()).isEqualTo("09:36 [dm] bob: psst");
        // An earlier message's arrival is not when it was said: without ts it shows no time.
        assertThat(TerminalFormat.earlier(plain, java.time.ZoneOffset.UTC).toString())
                .isEqualTo("message posted to dogs: hi");
    }

    @Test
    void anEarlierMessageIsDimmedThroughout() {
        var m = new FromServer.Message("dogs", "old news", "bob", 7, TS);
        AttributedString s = TerminalFormat.earlier(m, java.time.ZoneOffset.UTC);
        assertThat(s.toString()).isEqualTo("09:33 message posted to dogs by bob: old news");
        assertThat(styleOf(s, s.toString())).isEqualTo(TerminalFormat.NOTE);
        assertThat(TerminalFormat.earlier(new FromServer.Message("d", "\u001b"), java.time.ZoneOffset.UTC).toString())
                .doesNotContain("\u001b");
    }

    @org.junit.jupiter.api.Test
    void presenceIsShownDimly() {
        org.jline.utils.AttributedString s = TerminalFormat.format(new FromServer.Joined("dogs", "bob"));
        org.assertj.core.api.Assertions.assertThat(s.toString()).isEqualTo("bob joined dogs");
        org.assertj.core.api.Assertions.assertThat(s.styleAt(0)).isEqualTo(TerminalFormat.NOTE);
        org.assertj.core.api.Assertions.assertThat(TerminalFormat.format(new FromServer.Left("dogs", "bob")).toString())
                .isEqualTo("bob left dogs");
    }
}
