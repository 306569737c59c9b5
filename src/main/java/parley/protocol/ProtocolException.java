package parley.protocol;

/**
 * A line that is not a valid packet. The message is meant for the peer: it names the problem in
 * a sentence and is sent back verbatim in an {@code Error} packet.
 */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
