package parley.protocol;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * A request from a client to the server: the book's {@code FromClient} enum ({@link Join},
 * {@link Post}) plus Parley's extensions, which a book client never sends.
 */
public sealed interface FromClient {

    /**
     * Sign in with a token, as the first request to a server that requires it. The token never
     * appears in {@link #toString}, so it cannot reach a log by accident.
     */
    record Auth(String token) implements FromClient {
        @Override
        public String toString() {
            return "Auth[token=<redacted>]";
        }
    }

    /**
     * Become a member of a group, creating it on first use. {@code history} (an extension; 0 in
     * the book's form) asks for up to that many earlier messages before the live ones.
     */
    record Join(String groupName, long history) implements FromClient {
        public Join(String groupName) {
            this(groupName, 0);
        }
    }

    /**
     * Send a message to every current member of a group. {@code id} (an extension; null in the
     * book's form) is the client's name for this post, 1 to 64 printable ASCII characters: the
     * server answers {@link FromServer.Posted} once the post is durable, and the same group and id
     * again within the dedup window is not delivered twice but answered the same way.
     */
    record Post(String groupName, String message, String id) implements FromClient {
        public Post(String groupName, String message) {
            this(groupName, message, null);
        }
    }

    /**
     * Create an account and sign in to it. The password never appears in {@link #toString}, so it
     * cannot reach a log by accident.
     */
    record Register(String name, String password) implements FromClient {
        @Override
        public String toString() {
            return "Register[name=" + name + ", password=<redacted>]";
        }
    }

    /** Sign in to an account. The password never appears in {@link #toString}. */
    record Login(String name, String password) implements FromClient {
        @Override
        public String toString() {
            return "Login[name=" + name + ", password=<redacted>]";
        }
    }

    /** Change the signed-in account's password. Neither password appears in {@link #toString}. */
    record Password(String oldPassword, String newPassword) implements FromClient {
        @Override
        public String toString() {
            return "Password[<redacted>]";
        }
    }

    /** Opt into the extended protocol under a name. */
    record Hello(String name) implements FromClient {}

    /** Stop being a member of a group. */
    record Leave(String groupName) implements FromClient {}

    /**
     * Ask for a page of the groups and their member counts, in name order ({@code {"List":{}}} on
     * the wire): at most {@code limit} groups (0: not given, the server's default page) whose names
     * come after {@code after} (null: from the first).
     */
    record ListGroups(long limit, String after) implements FromClient {
        public ListGroups() {
            this(0, null);
        }

        /** True if the request named a page ({@code limit} or {@code after}). */
        public boolean paged() {
            return limit != 0 || after != null;
        }
    }

    /**
     * Ask for a page of the names of a group's members, in order: at most {@code limit} (0: not
     * given) after {@code after} (null: from the first).
     */
    record Members(String groupName, long limit, String after) implements FromClient {
        public Members(String groupName) {
            this(groupName, 0, null);
        }

        /** True if the request named a page ({@code limit} or {@code after}). */
        public boolean paged() {
            return limit != 0 || after != null;
        }
    }

    /**
     * Ask for retained messages of a group, oldest first, at most {@code limit}: those with
     * {@code seq > after}; or the newest {@code limit} with {@code seq < before}; or, with neither,
     * the newest {@code limit}. {@code after} and {@code before} never come together.
     */
    record Fetch(String groupName, OptionalLong after, OptionalLong before, long limit) implements FromClient {
        public Fetch(String groupName, OptionalLong after, long limit) {
            this(groupName, after, OptionalLong.empty(), limit);
        }
    }

    /**
     * A direct message to the account {@code to}, from a connection signed in to an account.
     * {@code id} (or null) follows a Post's id rules: the same recipient and id again within the
     * dedup window is not delivered or stored twice, and is answered with the first one's Sent.
     */
    record Direct(String to, String message, String id) implements FromClient {}

    /** Ask for the signed-in account's conversations ({@code {"Conversations":{}}}). */
    record Conversations() implements FromClient {}

    /**
     * Ask for direct messages of the conversation with {@code with}, oldest first, at most
     * {@code limit}: as {@link Fetch} pages a group ({@code after}, {@code before}, never both).
     */
    record FetchDirect(String with, OptionalLong after, OptionalLong before, long limit) implements FromClient {}

    /** Move the read marker of the conversation with {@code with} up to {@code seq}. */
    record Read(String with, long seq) implements FromClient {}

    /** Stop direct messages from the account {@code name} reaching this account. */
    record Block(String name) implements FromClient {}

    /** Undo a {@link Block}. */
    record Unblock(String name) implements FromClient {}

    /**
     * A group-moderation request (docs/moderation.md): every one names the group it acts on, but
     * {@link Suspend} and {@link Unsuspend}, which act on an account server-wide. A {@code duration}
     * ({@code "for"} on the wire) of null means for good.
     */
    sealed interface Moderation extends FromClient {}

    /** Make the account {@code name} an operator of the group (the owner only). */
    record Op(String groupName, String name) implements Moderation {}

    /** Undo an {@link Op}. */
    record Deop(String groupName, String name) implements Moderation {}

    /** Hand the group's ownership to the account {@code name}. */
    record Owner(String groupName, String name) implements Moderation {}

    /** Delete the group and its stored history. */
    record Drop(String groupName) implements Moderation {}

    /** Set the group's topic ("" clears it). */
    record Topic(String groupName, String topic) implements Moderation {}

    /** Remove every connection of the account {@code name} from the group; {@code reason} may be null. */
    record Kick(String groupName, String name, String reason) implements Moderation {}

    /** Ban the account {@code name} from the group, for {@code duration} (null: for good); {@code reason} may be null. */
    record Ban(String groupName, String name, String reason, Duration duration) implements Moderation {}

    /** Undo a {@link Ban}. */
    record Unban(String groupName, String name) implements Moderation {}

    /** Stop the account {@code name} posting to the group, for {@code duration} (null: until unmuted). */
    record Mute(String groupName, String name, Duration duration) implements Moderation {}

    /** Undo a {@link Mute}. */
    record Unmute(String groupName, String name) implements Moderation {}

    /** Change the group's modes; a null one stays as it is. */
    record Mode(String groupName, Boolean inviteOnly, Boolean moderated, Boolean privateGroup) implements Moderation {}

    /** Let the account {@code name} join the group while it is invite-only. */
    record Invite(String groupName, String name) implements Moderation {}

    /** Ask for the group's owner, operators, topic, modes and member count. */
    record GroupInfo(String groupName) implements Moderation {}

    /** Close the account's connections and refuse its sign-ins for {@code duration} (server admins only). */
    record Suspend(String name, Duration duration) implements Moderation {}

    /** Undo a {@link Suspend}. */
    record Unsuspend(String name) implements Moderation {}
}
