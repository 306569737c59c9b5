package parley.protocol;

/** A packet from the server to a client: the book's {@code FromServer} enum. */
public sealed interface FromServer {

    /** A message posted to a group the client belongs to. */
    record Message(String groupName, String message) implements FromServer {}

    /** Anything the server wants to tell the client in words: a failed request, a lag notice. */
    record Error(String text) implements FromServer {}
}
