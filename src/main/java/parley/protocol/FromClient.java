package parley.protocol;

/** A request from a client to the server: the book's {@code FromClient} enum. */
public sealed interface FromClient {

    /** Become a member of a group, creating it on first use. */
    record Join(String groupName) implements FromClient {}

    /** Send a message to every current member of a group. */
    record Post(String groupName, String message) implements FromClient {}
}
