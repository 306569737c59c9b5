package parley.client;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import parley.protocol.FromServer;

/** How the client shows the moderation packets: a group's events, its details and its topic, in words. */
final class GroupEventFormat {
    private GroupEventFormat() {}

    /** One line for a GroupEvent: {@code alice banned bob from dogs until 2026-12-08T10:00:00Z (spam)}. */
    static String event(FromServer.GroupEvent e) {
        String by = e.by() == null ? "the server" : e.by();
        String g = e.groupName();
        String who = e.name() == null ? "?" : e.name();
        String line = switch (e.kind()) {
            case "op" -> by + " made " + who + " an operator of " + g;
            case "deop" -> by + " took operator from " + who + " in " + g;
            case "owner" -> by + " made " + who + " the owner of " + g;
            case "topic" -> e.topic() == null || e.topic().isEmpty()
                    ? by + " cleared the topic of " + g
                    : by + " set the topic of " + g + ": " + e.topic();
            case "kick" -> by + " kicked " + who + " from " + g;
            case "ban" -> by + " banned " + who + " from " + g + (e.until() > 0 ? " until " + when(e.until()) : "");
            case "unban" -> by + " unbanned " + who + " in " + g;
            case "mute" -> by + " muted " + who + " in " + g + (e.until() > 0 ? " until " + when(e.until()) : "");
            case "unmute" -> by + " unmuted " + who + " in " + g;
            case "mode" -> by + " set the modes of " + g + ": " + modes(e.modes());
            case "invite" -> by + " invited " + who + " to " + g;
            case "drop" -> by + " dropped " + g;
            default -> by + " did '" + e.kind() + "' in " + g + (e.name() == null ? "" : " to " + who);
        };
        return e.reason() == null || e.reason().isEmpty() ? line : line + " (" + e.reason() + ")";
    }

    /** The answer to {@code info}: owner, operators, modes, members and topic. */
    static String details(FromServer.GroupDetails d) {
        StringBuilder b = new StringBuilder("group ").append(d.groupName()).append(": owner ")
                .append(d.owner() == null ? "none" : d.owner());
        b.append(", operators ").append(d.operators().isEmpty() ? "none" : String.join(", ", d.operators()));
        b.append(", modes ").append(modes(d.modes()));
        b.append(", ").append(d.members()).append(d.members() == 1 ? " member" : " members");
        if (d.topic() != null && !d.topic().isEmpty()) b.append("; topic: ").append(d.topic());
        return b.toString();
    }

    /** The topic a member is shown on joining. */
    static String topic(FromServer.Topic t) {
        return "topic of " + t.groupName() + ": " + t.topic() + (t.by() == null ? "" : " (set by " + t.by() + ")");
    }

    /** The modes as {@code +invite_only -moderated +private}, the grammar of the {@code mode} command. */
    static String modes(FromServer.Modes m) {
        if (m == null) return "unchanged";
        return (m.inviteOnly() ? "+" : "-") + "invite_only " + (m.moderated() ? "+" : "-") + "moderated "
                + (m.privateGroup() ? "+" : "-") + "private";
    }

    /** An end time, to the second, in UTC. */
    static String when(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
