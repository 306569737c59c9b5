package parley.client;

import java.util.StringJoiner;
import parley.protocol.FromServer;

/** How the client shows the answer to {@code dms}: each conversation with its unread count. */
final class DirectFormat {
    private DirectFormat() {}

    static String conversations(FromServer.Conversations c) {
        if (c.conversations().isEmpty()) return "no direct messages";
        StringJoiner j = new StringJoiner(", ", "direct messages: ", "");
        for (FromServer.ConversationInfo i : c.conversations()) {
            long unread = Math.max(0, i.newest() - i.read());
            j.add(i.with() + (unread == 0 ? "" : " (" + unread + " unread)"));
        }
        return j.toString();
    }
}
