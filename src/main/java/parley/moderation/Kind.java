package parley.moderation;

import java.util.Locale;

/** What a moderation event did; on the wire its lower-case name ({@code "ban"}). */
public enum Kind {
    OP, DEOP, OWNER, TOPIC, KICK, BAN, UNBAN, MUTE, UNMUTE, MODE, INVITE, DROP;

    /** The event's {@code kind} on the wire, also the audit log's and the metrics' label. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
