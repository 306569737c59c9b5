package parley.client;

import java.util.StringJoiner;
import parley.protocol.FromServer;

/**
 * How the client shows each packet. Book packets print exactly as the book's client prints them;
 * extended ones (sent only after {@code nick}) add the poster's name and the answers to the
 * extension commands.
 */
public final class ReplyFormat {
    private ReplyFormat() {}

    public static String format(FromServer packet) {
        return switch (packet) {
            case FromServer.Message m when m.from() != null ->
                    "message posted to " + m.groupName() + " by " + m.from() + ": " + m.message();
            case FromServer.Message m -> "message posted to " + m.groupName() + ": " + m.message();
            case FromServer.Error e -> "error from server: " + e.text();
            case FromServer.Welcome w when w.unread() > 0 -> "welcome, " + w.name() + " (" + w.server() + "); "
                    + w.unread() + (w.unread() == 1 ? " unread direct message" : " unread direct messages");
            case FromServer.Welcome w -> "welcome, " + w.name() + " (" + w.server() + ")";
            case FromServer.Groups g -> {
                if (g.groups().isEmpty()) yield "no groups";
                StringJoiner j = new StringJoiner(", ", "groups: ", "");
                for (FromServer.GroupInfo i : g.groups()) {
                    j.add(i.name() + " (" + i.members() + (i.members() == 1 ? " member)" : " members)"));
                }
                yield j.toString();
            }
            case FromServer.Members m -> m.names().isEmpty()
                    ? "no named members in " + m.groupName()
                    : "members of " + m.groupName() + ": " + String.join(", ", m.names());
            // The client follows a page's summary itself; it shows one only when it cannot (input ended).
            case FromServer.Listed l -> l.more() ? "(more)" : "(end)";
            case FromServer.Joined j -> j.name() + " joined " + j.groupName();
            case FromServer.Left l -> l.name() + " left " + l.groupName();
            case FromServer.Posted p -> "posted to " + p.groupName() + " (" + p.id() + ", seq " + p.seq() + ")";
            case FromServer.Fetched f -> f.count() == 0
                    ? "no earlier messages in " + f.groupName()
                    : f.count() + (f.count() == 1 ? " message" : " messages") + " from " + f.groupName();
            case FromServer.Direct d -> "[dm] " + d.from() + ": " + d.message();
            case FromServer.Sent s -> "sent to " + s.to() + " (seq " + s.seq() + ")";
            case FromServer.Conversations c -> DirectFormat.conversations(c);
            case FromServer.FetchedDirect f -> f.count() == 0
                    ? "no direct messages with " + f.with()
                    : f.count() + (f.count() == 1 ? " direct message" : " direct messages") + " with " + f.with();
            case FromServer.Read r -> "read " + r.with() + " up to " + r.seq();
            case FromServer.Block b -> "blocked " + b.name();
            case FromServer.Unblock u -> "unblocked " + u.name();
            case FromServer.GroupEvent e -> GroupEventFormat.event(e);
            case FromServer.GroupDetails d -> GroupEventFormat.details(d);
            case FromServer.Topic t -> GroupEventFormat.topic(t);
            case FromServer.Suspended u -> "suspended " + u.name() + " until " + GroupEventFormat.when(u.until());
            case FromServer.Unsuspended u -> "unsuspended " + u.name();
        };
    }
}
