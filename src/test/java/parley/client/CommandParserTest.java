package parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import parley.protocol.FromClient;

/** The book's client grammar: {@code join GROUP} and {@code post GROUP MESSAGE...}. */
@DisplayName("CommandParser")
class CommandParserTest {

    private static Command join(String group) {
        return new Command.Send(new FromClient.Join(group));
    }

    private static Command post(String group, String message) {
        return new Command.Send(new FromClient.Post(group, message));
    }

    @Test
    void joinGroup() {
        assertThat(CommandParser.parse("join dogs")).isEqualTo(join("dogs"));
    }

    @Test
    @DisplayName("extra white space around and between join's tokens is fine")
    void joinWithSpaces() {
        assertThat(CommandParser.parse("  join   dogs  ")).isEqualTo(join("dogs"));
        assertThat(CommandParser.parse("\tjoin\tdogs\t")).isEqualTo(join("dogs"));
    }

    @Test
    @DisplayName("join without a group is invalid")
    void joinWithoutGroup() {
        assertThat(CommandParser.parse("join")).isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.hint()).contains("join").contains("GROUP"));
        assertThat(CommandParser.parse("join   ")).isInstanceOf(Command.Invalid.class);
    }

    @Test
    @DisplayName("join with two groups is invalid")
    void joinTwoGroups() {
        assertThat(CommandParser.parse("join a b")).isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.hint()).contains("join"));
    }

    @Test
    @DisplayName("post takes the rest of the line as the message")
    void postMessage() {
        assertThat(CommandParser.parse("post dogs hello world")).isEqualTo(post("dogs", "hello world"));
    }

    @Test
    @DisplayName("post strips leading white space from the message and keeps the rest, trailing included")
    void postKeepsInnerAndTrailingSpace() {
        assertThat(CommandParser.parse("post dogs    spaced  out  ")).isEqualTo(post("dogs", "spaced  out  "));
        assertThat(CommandParser.parse("  post\tdogs\t x\ty ")).isEqualTo(post("dogs", "x\ty "));
    }

    @Test
    @DisplayName("post with a group but no message sends an empty message")
    void postEmptyMessage() {
        assertThat(CommandParser.parse("post dogs")).isEqualTo(post("dogs", ""));
        assertThat(CommandParser.parse("post dogs   ")).isEqualTo(post("dogs", ""));
    }

    @Test
    @DisplayName("post without a group is invalid")
    void postWithoutGroup() {
        assertThat(CommandParser.parse("post")).isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.hint()).contains("post"));
        assertThat(CommandParser.parse(" post  ")).isInstanceOf(Command.Invalid.class);
    }

    @Test
    @DisplayName("the message is taken verbatim: JSON-like text, quotes, backslashes, non-ASCII")
    void postVerbatim() {
        assertThat(CommandParser.parse("post dogs {\"Join\":\"x\"} \\n é日😀"))
                .isEqualTo(post("dogs", "{\"Join\":\"x\"} \\n é日😀"));
        assertThat(CommandParser.parse("post 日本 😀")).isEqualTo(post("日本", "😀"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "   ", "\t", " \t \u00a0 \u3000 "})
    @DisplayName("empty and white-space-only lines are Blank")
    void blank(String line) {
        assertThat(CommandParser.parse(line)).isEqualTo(new Command.Blank());
    }

    @Test
    @DisplayName("an unknown command is invalid and the hint names it")
    void unknownCommand() {
        assertThat(CommandParser.parse("foo bar")).isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.hint()).contains("'foo'").contains("join").contains("post"));
        assertThat(CommandParser.parse("dance")).isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.hint()).contains("dance"));
    }

    @Test
    @DisplayName("commands are case-sensitive, as in the book")
    void caseSensitive() {
        assertThat(CommandParser.parse("JOIN dogs")).isInstanceOf(Command.Invalid.class);
        assertThat(CommandParser.parse("Post dogs hi")).isInstanceOf(Command.Invalid.class);
        assertThat(CommandParser.parse("joindogs")).isInstanceOf(Command.Invalid.class);
    }

    @Test
    @DisplayName("Unicode white space (U+00A0, U+3000, tab, ...) separates tokens")
    void unicodeWhitespaceSeparates() {
        assertThat(CommandParser.parse("join\u00a0dogs")).isEqualTo(join("dogs"));
        assertThat(CommandParser.parse("join\u3000dogs\u3000")).isEqualTo(join("dogs"));
        assertThat(CommandParser.parse("post\tdogs\u00a0\u2003hello\u3000world\u00a0"))
                .isEqualTo(post("dogs", "hello\u3000world\u00a0"));
        assertThat(CommandParser.parse("\u2028join dogs\u2029")).isEqualTo(join("dogs"));
    }

    /**
     * Unicode's White_Space property (PropList.txt), which Rust's {@code char::is_whitespace}
     * implements, written out independently of the parser.
     */
    private static final Set<Integer> WHITE_SPACE = Set.of(
            0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680,
            0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
            0x2028, 0x2029, 0x202F, 0x205F, 0x3000);

    @Test
    @DisplayName("exactly Rust's white space separates tokens, for every BMP code point and some beyond")
    void whitespaceMatchesRustForEveryCodePoint() {
        int[] beyond = {0x10000, 0x1F600, 0xE0020, 0x10FFFF};
        int checked = 0;
        for (int cp = 0; cp < 0x10000 + beyond.length; cp++) {
            int c = cp <= 0xFFFF ? cp : beyond[cp - 0x10000];
            if (c >= 0xD800 && c <= 0xDFFF) continue; // not a char on its own
            String sep = new String(Character.toChars(c));
            Command got = CommandParser.parse("join" + sep + "dogs");
            if (WHITE_SPACE.contains(c)) {
                assertThat(got).as("U+%04X separates", c).isEqualTo(join("dogs"));
            } else {
                assertThat(got).as("U+%04X is part of the token", c).isInstanceOfSatisfying(Command.Invalid.class,
                        i -> assertThat(i.hint()).contains("join" + sep + "dogs"));
            }
            checked++;
        }
        assertThat(checked).isEqualTo(0x10000 - 0x800 + beyond.length);
    }

    @Test
    @DisplayName("characters Java calls white space but Rust does not stay inside tokens")
    void javaOnlyWhitespaceIsNotASeparator() {
        // Character.isWhitespace is true for U+001C..U+001F; Rust's is_whitespace is not.
        assertThat(CommandParser.parse("join\u001cdogs")).isInstanceOf(Command.Invalid.class);
        assertThat(CommandParser.parse("post dogs\u001fhi")).isEqualTo(post("dogs\u001fhi", ""));
        // Zero-width space, BOM and Mongolian vowel separator are not White_Space either.
        assertThat(CommandParser.parse("join dogs\u200b")).isEqualTo(join("dogs\u200b"));
        assertThat(CommandParser.parse("join \ufeffdogs")).isEqualTo(join("\ufeffdogs"));
        assertThat(CommandParser.parse("join dogs\u180ecats")).isEqualTo(join("dogs\u180ecats"));
    }
}
