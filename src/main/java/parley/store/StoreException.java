package parley.store;

/** The store cannot be opened, and starting without it would be wrong (a newer schema, a directory in use). */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
