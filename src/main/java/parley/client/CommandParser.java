package parley.client;

import parley.protocol.FromClient;

/**
 * The book's command grammar: tokens are separated by Unicode white space (Rust's
 * {@code char::is_whitespace}); {@code post GROUP MESSAGE...} sends the rest of the line after the
 * group with its leading white space removed and everything else kept. Parley adds
 * {@code nick NAME}, {@code leave GROUP}, {@code list}, {@code who GROUP} and
 * {@code history GROUP N}, and {@code login NAME} and {@code register NAME} (the password follows,
 * read on its own), and the moderation commands of {@link ModerationCommands}.
 */
public final class CommandParser {
    public static final String USAGE = "commands: join GROUP | post GROUP MESSAGE... | nick NAME | leave GROUP"
            + " | list | who GROUP | history GROUP N | login NAME | register NAME | msg NAME MESSAGE... | dms"
            + " | read NAME | " + ModerationCommands.USAGE;
    /** Direct messages {@code read NAME} shows: the newest page. */
    static final long READ_PAGE = 50;

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
            case "nick" -> {
                return one(line, pos, "nick NAME", FromClient.Hello::new);
            }
            case "login", "register" -> {
                String name = token(line, pos);
                if (name == null || token(line, pos) != null) return new Command.Invalid("usage: " + command + " NAME");
                return new Command.SignIn(name, command.equals("register"));
            }
            case "leave" -> {
                return one(line, pos, "leave GROUP", FromClient.Leave::new);
            }
            case "who" -> {
                return one(line, pos, "who GROUP", FromClient.Members::new);
            }
            case "list" -> {
                if (token(line, pos) != null) return new Command.Invalid("list takes nothing: list");
                return new Command.Send(new FromClient.ListGroups());
            }
            case "history" -> {
                String group = token(line, pos);
                String n = token(line, pos);
                if (group == null || n == null || token(line, pos) != null || !n.matches("[0-9]{1,9}")
                        || Long.parseLong(n) < 1) {
                    return new Command.Invalid("history needs a group and a count: history GROUP N");
                }
                return new Command.Send(new FromClient.Fetch(group, java.util.OptionalLong.empty(), Long.parseLong(n)));
            }
            case "msg" -> {
                String name = token(line, pos);
                if (name == null) return new Command.Invalid("msg needs a name and a message: msg NAME MESSAGE...");
                return new Command.Send(new FromClient.Direct(name, line.substring(skipSpace(line, pos[0])), null));
            }
            case "dms" -> {
                if (token(line, pos) != null) return new Command.Invalid("dms takes nothing: dms");
                return new Command.Send(new FromClient.Conversations());
            }
            case "read" -> {
                return one(line, pos, "read NAME", n -> new FromClient.FetchDirect(n, java.util.OptionalLong.empty(),
                        java.util.OptionalLong.empty(), READ_PAGE));
            }
            default -> {
                Command moderation = ModerationCommands.parse(command, line, pos);
                return moderation != null ? moderation : new Command.Invalid("unknown command '" + command + "'; " + USAGE);
            }
        }
    }

    /** A command with exactly one argument. */
    private static Command one(String line, int[] pos, String usage, java.util.function.Function<String, FromClient> make) {
        String arg = token(line, pos);
        if (arg == null || token(line, pos) != null) return new Command.Invalid("usage: " + usage);
        return new Command.Send(make.apply(arg));
    }

    /** The next token at or after {@code pos[0]}, advancing it; null at the end of the line. */
    static String token(String s, int[] pos) {
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

    static int skipSpace(String s, int i) {
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
