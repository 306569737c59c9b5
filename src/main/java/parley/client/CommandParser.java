package parley.client;

import parley.protocol.FromClient;

/**
 * The book's command grammar: tokens are separated by Unicode white space (Rust's
 * {@code char::is_whitespace}); {@code post GROUP MESSAGE...} sends the rest of the line after the
 * group with its leading white space removed and everything else kept.
 */
public final class CommandParser {
    public static final String USAGE = "commands: join GROUP | post GROUP MESSAGE...";

    private CommandParser() {}

    public static Command parse(String line) {
        int[] pos = {0};
        String command = token(line, pos);
        if (command == null) return new Command.Blank();
        switch (command) {
            case "join" -> {
                String group = token(line, pos);
                if (group == null) return new Command.Invalid("join needs a group: join GROUP");
                if (token(line, pos) != null) return new Command.Invalid("join takes one group: join GROUP");
                return new Command.Send(new FromClient.Join(group));
            }
            case "post" -> {
                String group = token(line, pos);
                if (group == null) return new Command.Invalid("post needs a group and a message: post GROUP MESSAGE...");
                return new Command.Send(new FromClient.Post(group, line.substring(skipSpace(line, pos[0]))));
            }
            default -> {
                return new Command.Invalid("unknown command '" + command + "'; " + USAGE);
            }
        }
    }

    /** The next token at or after {@code pos[0]}, advancing it; null at the end of the line. */
    private static String token(String s, int[] pos) {
        int start = skipSpace(s, pos[0]);
        if (start >= s.length()) return null;
        int end = start;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            if (isWhitespace(cp)) break;
            end += Character.charCount(cp);
        }
        pos[0] = end;
        return s.substring(start, end);
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!isWhitespace(cp)) break;
            i += Character.charCount(cp);
        }
        return i;
    }

    /** Unicode White_Space, as Rust's {@code char::is_whitespace} defines it. */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }
}
