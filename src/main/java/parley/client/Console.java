package parley.client;

import java.io.IOException;
import parley.protocol.FromServer;

/**
 * Where a client session reads commands and shows what happens: plain streams when piped
 * ({@link PlainConsole}), a line editor on a terminal ({@link JLineConsole}). The session logic in
 * {@link ChatClient} is the same for both. {@link #show} and {@link #note} may be called from
 * another thread while {@link #readLine} waits.
 */
interface Console extends AutoCloseable {

    /** The next command line, or null at the end of input. */
    String readLine() throws IOException;

    /**
     * A password: on a terminal asked for with {@code prompt} and not echoed; piped, the next
     * input line. Null at the end of input.
     */
    default String readPassword(String prompt) throws IOException {
        return readLine();
    }

    /** Shows one packet from the server. */
    void show(FromServer packet);

    /** Tells the user something that is not a reply: a hint, a connection notice. */
    void note(String text);

    /** Shows a message that answers a {@code history} request; piped, just as any other. */
    default void showEarlier(FromServer.Message m) {
        show(m);
    }

    /**
     * A person reads this console (a terminal): {@code join} and {@code leave} are confirmed,
     * which costs a request the book's protocol does not have. Piped, the output stays the book's.
     */
    default boolean interactive() {
        return false;
    }

    /** Flushes what was shown; the streams or terminal stay usable until the caller is done. */
    @Override
    void close();
}
