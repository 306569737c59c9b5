package parley.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import parley.protocol.FromServer;

/**
 * What Tab offers on a terminal: the command words first; then, for a command's group argument,
 * the group names the session has met (joined, or seen in a List answer or a message); and in a
 * post's text, the member names it has met (in a Members answer, as a message's poster, or
 * joining or leaving a group: a name that left may come back, and is still one to address).
 *
 * <p>Thread-safe: the reply thread learns names while the line editor asks for candidates.
 */
final class Completion {
    static final List<String> COMMANDS = List.of("join", "post", "nick", "leave", "list", "who", "history",
            "topic", "kick", "ban", "unban", "mute", "unmute", "op", "deop", "owner", "drop", "mode", "invite", "info",
            "suspend", "unsuspend");
    /** The commands whose first argument is a group. */
    private static final Set<String> GROUP_COMMANDS = Set.of("join", "post", "leave", "who", "history", "topic", "kick",
            "ban", "unban", "mute", "unmute", "op", "deop", "owner", "drop", "mode", "invite", "info");
    /** The commands whose second argument is a member's name. */
    private static final Set<String> MEMBER_COMMANDS = Set.of("post", "kick", "ban", "unban", "mute", "unmute", "op",
            "deop", "owner", "invite");
    /** What {@code mode} takes after its group. */
    private static final List<String> MODES = List.of("+invite_only", "-invite_only", "+moderated", "-moderated",
            "+private", "-private");

    private final Set<String> groups = new ConcurrentSkipListSet<>();
    private final Set<String> members = new ConcurrentSkipListSet<>();

    /** Learns the names in a packet shown to the user. */
    void learn(FromServer packet) {
        switch (packet) {
            case FromServer.Message m -> learn(m.groupName(), m.from());
            case FromServer.Groups g -> g.groups().forEach(i -> groups.add(i.name()));
            case FromServer.Members m -> {
                groups.add(m.groupName());
                members.addAll(m.names());
            }
            case FromServer.Joined j -> learn(j.groupName(), j.name());
            case FromServer.Left l -> learn(l.groupName(), l.name());
            case FromServer.GroupEvent e -> learn(e.groupName(), e.name());
            case FromServer.GroupDetails d -> {
                learn(d.groupName(), d.owner());
                members.addAll(d.operators());
            }
            default -> { }
        }
    }

    /** A group seen, and a name seen in it (null when the packet names no one). */
    private void learn(String group, String name) {
        groups.add(group);
        if (name != null) members.add(name);
    }

    /** Learns the group of a line the user typed ({@code join dogs}). */
    void typed(String line) {
        if (CommandParser.parse(line) instanceof Command.Send(parley.protocol.FromClient.Join j)) groups.add(j.groupName());
    }

    /**
     * The candidates for the word at {@code index} of {@code words} (the words typed so far, the
     * one being completed included); the line editor keeps those that start with what is typed.
     */
    List<String> candidates(List<String> words, int index) {
        if (index == 0) return COMMANDS;
        String command = words.getFirst();
        if (index == 1 && GROUP_COMMANDS.contains(command)) return new ArrayList<>(groups);
        if (index == 1 && command.equals("suspend")) return new ArrayList<>(members);
        if (index >= 2 && command.equals("mode")) return MODES;
        if ((index >= 2 && command.equals("post")) || (index == 2 && MEMBER_COMMANDS.contains(command))) {
            return new ArrayList<>(members);
        }
        if (index == 3 && (command.equals("ban") || command.equals("mute"))) return List.of("for");
        return List.of();
    }
}
