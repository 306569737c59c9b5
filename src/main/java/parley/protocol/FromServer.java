package parley.protocol;

import java.util.List;

/**
 * A packet from the server to a client: the book's {@code FromServer} enum ({@link Message},
 * {@link Error}) plus Parley's extensions, sent only to clients that said {@code Hello}.
 */
public sealed interface FromServer {

    /**
     * A message posted to a group. {@code from}, {@code seq} and {@code ts} are extensions: absent
     * (null, 0 and 0) in the book's form; for a Hello'd client {@code seq} is the message's number
     * in its group (comparable within one store epoch), {@code from} the poster's name, absent if the
     * poster never said Hello, and {@code ts} the server's time when it accepted the post, in
     * milliseconds since the Unix epoch.
     */
    record Message(String groupName, String message, String from, long seq, long ts) implements FromServer {
        public Message(String groupName, String message) {
            this(groupName, message, null, 0, 0);
        }

        public Message(String groupName, String message, String from, long seq) {
            this(groupName, message, from, seq, 0);
        }
    }

    /** Anything the server wants to tell the client in words: a failed request, a lag notice. */
    record Error(String text) implements FromServer {}

    /**
     * The answer to Hello. {@code epoch} (null when the server does not say) names the store the
     * seqs come from: it changes only when the store is new, and seqs compare only within one.
     * {@code auth} says the server requires authentication before Hello (absent, false, when not).
     * {@code account} says the connection is signed in to an account (Register, Login or a JWT
     * Auth), so the name is the account's (absent, false, for an anonymous name). {@code unread}
     * (absent, 0, when none or not signed in) counts the account's unread direct messages.
     */
    record Welcome(String name, String server, String epoch, boolean auth, boolean account, long unread)
            implements FromServer {
        public Welcome(String name, String server, String epoch, boolean auth, boolean account) {
            this(name, server, epoch, auth, account, 0);
        }

        public Welcome(String name, String server) {
            this(name, server, null, false, false);
        }

        public Welcome(String name, String server, String epoch) {
            this(name, server, epoch, false, false);
        }

        public Welcome(String name, String server, String epoch, boolean auth) {
            this(name, server, epoch, auth, false);
        }
    }

    /** Presence: a Hello'd connection named {@code name} joined the group (sent to its other Hello'd members). */
    record Joined(String groupName, String name) implements FromServer {}

    /** Presence: a Hello'd connection named {@code name} left the group, disconnected or took another name. */
    record Left(String groupName, String name) implements FromServer {}

    /**
     * The answer to a Post that carried an {@code id}: the post is durable under the server's sync
     * policy (or, without a store, in the group's ring), numbered {@code seq}, accepted at {@code ts}.
     */
    record Posted(String groupName, String id, long seq, long ts) implements FromServer {}

    /**
     * The end of a Fetch (or of a Join's history) on a Hello'd connection: {@code count} messages
     * were sent; {@code oldest} and {@code newest} are the oldest and newest seq the group retains
     * (both 0 when it retains none), so a client paging back knows when to stop.
     */
    record Fetched(String groupName, long count, long oldest, long newest) implements FromServer {}

    /** The answer to List. */
    record Groups(List<GroupInfo> groups) implements FromServer {}

    /** One group in a {@link Groups} answer. */
    record GroupInfo(String name, long members) {}

    /** The answer to Members. */
    record Members(String groupName, List<String> names) implements FromServer {}

    /**
     * The summary after a page of List ({@code groupName} null) or Members: how many entries the
     * page held and whether there are more after its last one (ask again with {@code after} set to
     * it).
     */
    record Listed(String groupName, long count, boolean more) implements FromServer {}

    /**
     * A direct message of the conversation between {@code from} and {@code to}, numbered
     * {@code seq} in that conversation, accepted at {@code ts} (ms since 1970).
     */
    record Direct(String from, String to, String message, long seq, long ts) implements FromServer {}

    /** The answer to a Direct: it is stored (or, with {@code --data none}, kept in memory) as {@code seq}. */
    record Sent(String to, String id, long seq, long ts) implements FromServer {}

    /** The answer to Conversations: the account's conversations, the most recently active first. */
    record Conversations(List<ConversationInfo> conversations) implements FromServer {}

    /** One conversation: its newest seq, and the seq up to which this account has read it. */
    record ConversationInfo(String with, long newest, long read) {}

    /** The end of a FetchDirect: as {@link Fetched}, for the conversation with {@code with}. */
    record FetchedDirect(String with, long count, long oldest, long newest) implements FromServer {}

    /** The read marker of the conversation with {@code with} is now {@code seq} (told to each of the reader's connections). */
    record Read(String with, long seq) implements FromServer {}

    /** A Block took effect: nothing {@code name} sends from now on reaches this account. */
    record Block(String name) implements FromServer {}

    /** An Unblock took effect. */
    record Unblock(String name) implements FromServer {}

    /**
     * A group's modes: invite-only (joined only by invited accounts), moderated (only operators
     * post), private (not listed to non-members, closed to anonymous connections).
     */
    record Modes(boolean inviteOnly, boolean moderated, boolean privateGroup) {
        public static final Modes OPEN = new Modes(false, false, false);
    }

    /**
     * A moderation change in a group, in the group's order like a message (docs/moderation.md):
     * {@code kind} is one of op, deop, owner, topic, kick, ban, unban, mute, unmute, mode, invite,
     * drop; {@code by} did it; {@code name} is the account it concerns (null when none),
     * {@code reason} and {@code topic} are null when not given, {@code until} (0: for good or not
     * relevant) ends a ban or mute in ms since 1970, and {@code modes} (null but for kind mode)
     * are the group's modes after the change.
     */
    record GroupEvent(String groupName, String kind, String by, String name, String reason, String topic,
            long until, Modes modes, long seq, long ts) implements FromServer {}

    /**
     * The answer to a GroupInfo request ({@code "GroupInfo"} on the wire; the name
     * {@link GroupInfo} is a List entry's): {@code owner} null for an ownerless group,
     * {@code topic} null when unset.
     */
    record GroupDetails(String groupName, String owner, List<String> operators, String topic, Modes modes,
            long members) implements FromServer {}

    /** A group's topic, told to a Hello'd member right after its Join; {@code by} set it at {@code ts}. */
    record Topic(String groupName, String topic, String by, long ts) implements FromServer {}

    /** A Suspend took effect: the account {@code name} is shut out until {@code until} (ms since 1970). */
    record Suspended(String name, long until) implements FromServer {}

    /** An Unsuspend took effect. */
    record Unsuspended(String name) implements FromServer {}
}
