package parley.protocol;

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

    /** Send a message to every current member of a group. */
    record Post(String groupName, String message) implements FromClient {}

    /** Opt into the extended protocol under a name. */
    record Hello(String name) implements FromClient {}

    /** Stop being a member of a group. */
    record Leave(String groupName) implements FromClient {}

    /** Ask for the groups and their member counts ({@code {"List":{}}} on the wire). */
    record ListGroups() implements FromClient {}

    /** Ask for the names of a group's members. */
    record Members(String groupName) implements FromClient {}

    /**
     * Ask for retained messages of a group: those with {@code seq > after}, oldest first, at most
     * {@code limit}; without {@code after}, the newest {@code limit}.
     */
    record Fetch(String groupName, OptionalLong after, long limit) implements FromClient {}
}
