package parley.server;

/**
 * Failed password sign-ins (Login, and the old password of a Password change), limited per client
 * address and per account name, so that neither many connections from one address nor many
 * addresses against one name can guess passwords quickly: at most {@link #PER_ADDRESS} failures a
 * minute from an address and {@link #PER_NAME} against a name (see docs/accounts.md). Over either,
 * the attempt is refused without hashing, in the same words whether or not the name exists.
 *
 * <p>Each side is an {@link AuthThrottle} (bounded memory, lock-free per key). Any reader thread.
 */
final class SignInThrottle {
    /** Failed sign-ins an address may make within a minute. */
    static final int PER_ADDRESS = 10;
    /** Failed sign-ins against one name within a minute, from anywhere. */
    static final int PER_NAME = 5;

    private final AuthThrottle addresses = new AuthThrottle(PER_ADDRESS);
    private final AuthThrottle names = new AuthThrottle(PER_NAME);

    /**
     * An attempt: false if it must be refused unchecked. Counted as a failure at once (so that
     * parallel attempts cannot slip through); {@link #succeeded} takes it back.
     */
    boolean attempt(String address, String name, long now) {
        boolean byAddress = addresses.attempt(address, now);
        boolean byName = names.attempt(name, now);
        if (byAddress && byName) return true;
        // Refused: a count taken on the side that allowed it would punish the other key twice.
        if (byAddress) addresses.succeeded(address);
        if (byName) names.succeeded(name);
        return false;
    }

    /** The attempt was right: it is not a failure. */
    void succeeded(String address, String name) {
        addresses.succeeded(address);
        names.succeeded(name);
    }
}
