package parley.protocol;

import java.io.IOException;

/**
 * A line had to grow the reader's buffer and the memory budget it draws from had no room: the
 * line is refused before the budget is exceeded, and the stream, which cannot be
 * re-synchronised, must be closed.
 */
public final class LineBudgetException extends IOException {
    private static final long serialVersionUID = 1L;

    public LineBudgetException(long wanted) {
        super("no room in the line budget for " + wanted + " more bytes", null);
    }
}
