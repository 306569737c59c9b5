package parley.protocol;

import java.io.IOException;

/** A line exceeded the reader's limit; the stream cannot be re-synchronised, so it must be closed. */
public final class LineTooLongException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int limit;

    public LineTooLongException(int limit) {
        super("line longer than " + limit + " bytes", null);
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }
}
