package parley.protocol;

import java.util.List;

/**
 * A packet from the server to a client: the book's {@code FromServer} enum ({@link Message},
 * {@link Error}) plus Parley's extensions, sent only to clients that said {@code Hello}.
 */
public sealed interface FromServer {

    /**
     * A message posted to a group. {@code from} and {@code seq} are extensions: absent (null and
     * 0) in the book's form; for a Hello'd client {@code seq} is the message's number in its group
     * and {@code from} the poster's name, absent if the poster never said Hello.
     */
    record Message(String groupName, String message, String from, long seq) implements FromServer {
        public Message(String groupName, String message) {
            this(groupName, message, null, 0);
        }
    }

    /** Anything the server wants to tell the client in words: a failed request, a lag notice. */
    record Error(String text) implements FromServer {}

    /** The answer to Hello. */
    record Welcome(String name, String server) implements FromServer {}

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
}
