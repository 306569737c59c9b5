package parley.client;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Pattern;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import parley.protocol.FromServer;

/**
 * How the terminal shows each packet: the words of {@link ReplyFormat}, with group names in their
 * colours ({@link GroupColours}) and the poster's name in bold, errors in red, and a lag notice as
 * a highlighted line of its own so it cannot be missed.
 *
 * <p>A message starts with its time, as local {@code HH:mm} in the console's zone, dimmed: the
 * time it carries ({@code ts}, from a Hello'd connection) or else the time it arrived, when the
 * console says it. An earlier message (the answer to {@code history}) is dimmed as a whole, so it
 * does not pass for a live one, and shows only a time it carries: its arrival is not when it was
 * said.
 *
 * <p>Text from the server is shown with its control characters made visible ({@code ^[} for ESC):
 * another user's message must not be able to move the cursor, clear the screen or fake a line.
 */
final class TerminalFormat {
    /** The server's lag notice: {@code Dropped N messages from GROUP.} */
    static final Pattern LAG = Pattern.compile("Dropped \\d+ messages from .*\\.", Pattern.DOTALL);
    static final AttributedStyle ERROR = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
    static final AttributedStyle LAG_NOTICE = AttributedStyle.DEFAULT.bold()
            .foreground(AttributedStyle.BLACK).background(AttributedStyle.YELLOW);
    static final AttributedStyle NOTE = AttributedStyle.DEFAULT.faint();
    static final AttributedStyle NAME = AttributedStyle.BOLD;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");
    /** Printed before each run of earlier messages: dimming alone is lost on a terminal without attributes. */
    static final String EARLIER_MARKER = "--- earlier messages ---";

    private TerminalFormat() {}

    /** As {@link #format(FromServer, ZoneId)} in the system's zone. */
    static AttributedString format(FromServer packet) {
        return format(packet, ZoneId.systemDefault());
    }

    /** A packet whose arrival time is not known: a message shows only the time it carries. */
    static AttributedString format(FromServer packet, ZoneId zone) {
        return format(packet, zone, 0);
    }

    /** The line that starts a run of earlier messages, so they are told apart without colours too. */
    static AttributedString earlierMarker() {
        return new AttributedString(EARLIER_MARKER, NOTE);
    }

    /** A message shown as an earlier one: the same words and time, all dimmed. */
    static AttributedString earlier(FromServer.Message m, ZoneId zone) {
        return new AttributedString(format(m, zone).toString(), NOTE);
    }

    /** The local time of a message, {@code 12:03}; null if it does not say. */
    static String time(FromServer.Message m, ZoneId zone) {
        return time(m.ts(), zone);
    }

    /** {@code 12:03} for epoch milliseconds; null for 0 (not known). */
    private static String time(long epochMillis, ZoneId zone) {
        return epochMillis <= 0 ? null : TIME.format(Instant.ofEpochMilli(epochMillis).atZone(zone));
    }

    /**
     * The packet as the terminal shows it; {@code arrived} (epoch milliseconds, 0 if not known) is
     * the time shown for a message that does not carry its own.
     */
    static AttributedString format(FromServer packet, ZoneId zone, long arrived) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        switch (packet) {
            case FromServer.Message m -> {
                String time = time(m.ts() > 0 ? m.ts() : arrived, zone);
                if (time != null) b.styled(NOTE, time).append(" ");
                b.append("message posted to ").styled(groupStyle(m.groupName()), safe(m.groupName()));
                if (m.from() != null) b.append(" by ").styled(NAME, safe(m.from()));
                b.append(": ").append(safe(m.message()));
            }
            case FromServer.Direct d -> {
                String time = time(d.ts() > 0 ? d.ts() : arrived, zone);
                if (time != null) b.styled(NOTE, time).append(" ");
                b.append("[dm] ").styled(NAME, safe(d.from())).append(": ").append(safe(d.message()));
            }
            case FromServer.Error e when LAG.matcher(e.text()).matches() ->
                    b.styled(LAG_NOTICE, "!! " + safe(e.text()) + " !!");
            case FromServer.Error e -> b.styled(ERROR, safe(ReplyFormat.format(e)));
            case FromServer.Welcome w -> b.styled(NAME, safe(ReplyFormat.format(w)));
            case FromServer.Groups g when !g.groups().isEmpty() -> {
                b.append("groups: ");
                List<FromServer.GroupInfo> all = g.groups();
                for (int i = 0; i < all.size(); i++) {
                    FromServer.GroupInfo info = all.get(i);
                    if (i > 0) b.append(", ");
                    b.styled(groupStyle(info.name()), safe(info.name()))
                            .append(" (" + info.members() + (info.members() == 1 ? " member)" : " members)"));
                }
            }
            case FromServer.Members m when !m.names().isEmpty() ->
                    b.append("members of ").styled(groupStyle(m.groupName()), safe(m.groupName()))
                            .append(": ").append(safe(String.join(", ", m.names())));
            // Presence is background: shown dimly, never in the way of the conversation.
            case FromServer.Joined j -> b.styled(NOTE, safe(ReplyFormat.format(j)));
            case FromServer.Left l -> b.styled(NOTE, safe(ReplyFormat.format(l)));
            // Moderation is told in the group's colour, set apart from what members say.
            case FromServer.GroupEvent e -> b.styled(groupStyle(e.groupName()).italic(), safe(ReplyFormat.format(e)));
            case FromServer.Topic t -> b.styled(groupStyle(t.groupName()).bold(), safe(ReplyFormat.format(t)));
            default -> b.append(safe(ReplyFormat.format(packet)));
        }
        return b.toAttributedString();
    }

    /** A line from the client itself (hints, connection notices), set apart from replies. */
    static AttributedString note(String text) {
        return new AttributedString(safe(text), NOTE);
    }

    static AttributedStyle groupStyle(String group) {
        return AttributedStyle.DEFAULT.foreground(GroupColours.of(group));
    }

    /** Control characters other than tab in caret notation ({@code ^[}, {@code ^J}, {@code ^?}); C1 ones as {@code ?}. */
    static String safe(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f);
            if (control && out == null) out = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (out == null) continue;
            if (!control) out.append(c);
            else if (c < 0x20) out.append('^').append((char) (c + 0x40));
            else if (c == 0x7f) out.append("^?");
            else out.append('?');
        }
        return out == null ? s : out.toString();
    }
}
