package parley.client;

import java.time.Duration;
import parley.protocol.FromClient;
import parley.protocol.WireDuration;

/**
 * The moderation commands (docs/client.md, docs/moderation.md), in the client's own grammar:
 * {@code topic GROUP TEXT...}, {@code kick GROUP NAME [REASON...]},
 * {@code ban GROUP NAME [for DURATION] [REASON...]}, {@code unban GROUP NAME},
 * {@code mute GROUP NAME [for DURATION]}, {@code unmute GROUP NAME}, {@code op}, {@code deop} and
 * {@code owner GROUP NAME}, {@code drop GROUP},
 * {@code mode GROUP [+|-]invite_only [+|-]moderated [+|-]private}, {@code invite GROUP NAME},
 * {@code info GROUP}, {@code suspend NAME DURATION} and {@code unsuspend NAME}.
 */
final class ModerationCommands {
    static final String USAGE = "topic GROUP TEXT... | kick GROUP NAME [REASON...] | ban GROUP NAME [for DURATION] [REASON...]"
            + " | unban GROUP NAME | mute GROUP NAME [for DURATION] | unmute GROUP NAME | op GROUP NAME | deop GROUP NAME"
            + " | owner GROUP NAME | drop GROUP | mode GROUP [+|-]invite_only [+|-]moderated [+|-]private"
            + " | invite GROUP NAME | info GROUP | suspend NAME DURATION | unsuspend NAME";

    private ModerationCommands() {}

    /** The command {@code command} (its first word, already read up to {@code pos[0]}), or null if it is none of these. */
    static Command parse(String command, String line, int[] pos) {
        return switch (command) {
            case "topic" -> {
                String group = CommandParser.token(line, pos);
                if (group == null) yield usage("topic GROUP TEXT... (no text clears it)");
                yield send(new FromClient.Topic(group, line.substring(CommandParser.skipSpace(line, pos[0]))));
            }
            case "kick" -> {
                String[] gn = groupAndName(line, pos);
                if (gn == null) yield usage("kick GROUP NAME [REASON...]");
                yield send(new FromClient.Kick(gn[0], gn[1], rest(line, pos)));
            }
            case "ban" -> ban(line, pos);
            case "mute" -> {
                String[] gn = groupAndName(line, pos);
                if (gn == null) yield usage("mute GROUP NAME [for DURATION]");
                Duration d = null;
                String word = CommandParser.token(line, pos);
                if (word != null) {
                    d = word.equals("for") ? duration(CommandParser.token(line, pos)) : null;
                    if (d == null || CommandParser.token(line, pos) != null) yield usage("mute GROUP NAME [for DURATION]");
                }
                yield send(new FromClient.Mute(gn[0], gn[1], d));
            }
            case "unban", "unmute", "op", "deop", "owner", "invite" -> {
                String[] gn = groupAndName(line, pos);
                if (gn == null || CommandParser.token(line, pos) != null) yield usage(command + " GROUP NAME");
                yield send(switch (command) {
                    case "unban" -> new FromClient.Unban(gn[0], gn[1]);
                    case "unmute" -> new FromClient.Unmute(gn[0], gn[1]);
                    case "op" -> new FromClient.Op(gn[0], gn[1]);
                    case "deop" -> new FromClient.Deop(gn[0], gn[1]);
                    case "owner" -> new FromClient.Owner(gn[0], gn[1]);
                    default -> new FromClient.Invite(gn[0], gn[1]);
                });
            }
            case "drop", "info", "unsuspend" -> {
                String arg = CommandParser.token(line, pos);
                if (arg == null || CommandParser.token(line, pos) != null) {
                    yield usage(command + (command.equals("unsuspend") ? " NAME" : " GROUP"));
                }
                yield send(switch (command) {
                    case "drop" -> new FromClient.Drop(arg);
                    case "info" -> new FromClient.GroupInfo(arg);
                    default -> new FromClient.Unsuspend(arg);
                });
            }
            case "mode" -> mode(line, pos);
            case "suspend" -> {
                String name = CommandParser.token(line, pos);
                Duration d = duration(CommandParser.token(line, pos));
                if (name == null || d == null || CommandParser.token(line, pos) != null) {
                    yield usage("suspend NAME DURATION (such as 24h or 7d)");
                }
                yield send(new FromClient.Suspend(name, d));
            }
            default -> null;
        };
    }

    private static Command ban(String line, int[] pos) {
        String[] gn = groupAndName(line, pos);
        if (gn == null) return usage("ban GROUP NAME [for DURATION] [REASON...]");
        int mark = pos[0];
        Duration d = null;
        if ("for".equals(CommandParser.token(line, pos))) {
            d = duration(CommandParser.token(line, pos));
            if (d == null) return usage("ban GROUP NAME [for DURATION] [REASON...] (a duration such as 10m, 24h or 7d)");
        } else {
            pos[0] = mark; // no duration: the reason starts here
        }
        return send(new FromClient.Ban(gn[0], gn[1], rest(line, pos), d));
    }

    private static Command mode(String line, int[] pos) {
        String group = CommandParser.token(line, pos);
        Boolean inviteOnly = null, moderated = null, priv = null;
        String word;
        boolean any = false;
        while ((word = CommandParser.token(line, pos)) != null) {
            boolean on = !word.startsWith("-");
            String mode = word.startsWith("+") || word.startsWith("-") ? word.substring(1) : word;
            switch (mode) {
                case "invite_only" -> inviteOnly = on;
                case "moderated" -> moderated = on;
                case "private" -> priv = on;
                default -> { return usage("mode GROUP [+|-]invite_only [+|-]moderated [+|-]private"); }
            }
            any = true;
        }
        if (group == null || !any) return usage("mode GROUP [+|-]invite_only [+|-]moderated [+|-]private");
        return send(new FromClient.Mode(group, inviteOnly, moderated, priv));
    }

    private static String[] groupAndName(String line, int[] pos) {
        String group = CommandParser.token(line, pos);
        String name = CommandParser.token(line, pos);
        return group == null || name == null ? null : new String[] {group, name};
    }

    /** The rest of the line, leading white space removed; null if nothing is left. */
    private static String rest(String line, int[] pos) {
        String r = line.substring(CommandParser.skipSpace(line, pos[0])).strip();
        return r.isEmpty() ? null : r;
    }

    private static Duration duration(String word) {
        return word == null ? null : WireDuration.parseOrNull(word);
    }

    private static Command send(FromClient request) {
        return new Command.Send(request);
    }

    private static Command usage(String usage) {
        return new Command.Invalid("usage: " + usage);
    }
}
