package parley.server;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed Auth attempts per client address, so that one address cannot guess tokens at the speed
 * of its connections: after {@link #MAX_FAILURES} wrong tokens from an address within
 * {@link #WINDOW_NANOS} (one minute from its first failure), every further Auth from it is refused
 * unread (no token is checked) with the same words as a wrong token, until that minute is over.
 * So an address gets at most 5 guesses a minute, however many connections it opens; a right
 * token from another address is not affected.
 *
 * <p>Memory is bounded: at most {@link #MAX_ADDRESSES} addresses are tracked. A full table first
 * drops the addresses whose minute is over (at most once a second); if it is still full, a new
 * address is not tracked (it is not throttled), rather than evicting one that is. An entry holds
 * failures only (a right token takes its attempt back, dropping an entry left empty), and goes
 * once its minute is over.
 *
 * <p>Used by every session's reader thread; lock-free per address.
 */
final class AuthThrottle {
    /** Wrong tokens an address may send within the window before its attempts are refused unread. */
    static final int MAX_FAILURES = 5;
    /** The window: one minute from an address's first failure in it. */
    static final long WINDOW_NANOS = 60_000_000_000L;
    /** Addresses tracked at most (each entry is about 100 bytes). */
    static final int MAX_ADDRESSES = 10_000;
    private static final long PURGE_EVERY_NANOS = 1_000_000_000L;

    /** An address's failures since {@code since}. */
    private record Window(long since, int failures) {}

    private final ConcurrentHashMap<String, Window> failures = new ConcurrentHashMap<>();
    private volatile long lastPurge;
    /** Failures a key may have within the window before its attempts are refused unread. */
    private final int maxFailures;

    /** The Auth token throttle: {@link #MAX_FAILURES} a minute per address. */
    AuthThrottle() {
        this(MAX_FAILURES);
    }

    /** A throttle allowing {@code maxFailures} a minute per key (an address, or an account name). */
    AuthThrottle(int maxFailures) {
        this.maxFailures = maxFailures;
    }

    /**
     * An Auth from this address: false if it must be refused without looking at its token.
     * Otherwise the attempt is counted as a failure at once (so that many connections of one
     * address checking at the same moment cannot all slip through) and {@link #succeeded} takes
     * it back when the token is right.
     */
    boolean attempt(String address, long now) {
        if (!failures.containsKey(address) && failures.size() >= MAX_ADDRESSES && !purge(now)) return true;
        boolean[] allowed = {true};
        failures.compute(address, (a, w) -> {
            if (w == null || now - w.since() >= WINDOW_NANOS) return new Window(now, 1);
            if (w.failures() >= maxFailures) {
                allowed[0] = false;
                return w;
            }
            return new Window(w.since(), w.failures() + 1);
        });
        return allowed[0];
    }

    /** The attempt from this address had a right token: it is not a failure. */
    void succeeded(String address) {
        failures.computeIfPresent(address, (a, w) -> w.failures() <= 1 ? null : new Window(w.since(), w.failures() - 1));
    }

    /** Drops the addresses whose window is over; true if there is then room for another. */
    private boolean purge(long now) {
        if (now - lastPurge >= PURGE_EVERY_NANOS) {
            lastPurge = now;
            failures.values().removeIf(w -> now - w.since() >= WINDOW_NANOS);
        }
        return failures.size() < MAX_ADDRESSES;
    }

    /** Addresses tracked now; for tests. */
    int size() {
        return failures.size();
    }

    /**
     * The address part of a session's peer ({@code /127.0.0.1:5555}, {@code ws /[::1]:5555},
     * {@code ws 127.0.0.1}): what is throttled, whatever port each connection comes from.
     */
    static String addressOf(String peer) {
        String p = peer.startsWith("ws ") ? peer.substring(3) : peer;
        int slash = p.lastIndexOf('/');
        if (slash >= 0) p = p.substring(slash + 1);
        if (p.startsWith("[")) {
            int close = p.indexOf(']');
            return close > 0 ? p.substring(1, close) : p;
        }
        int colon = p.lastIndexOf(':');
        // IPv4 "a.b.c.d:port" has one colon; an IPv6 address written without brackets ends in ":port" too.
        return colon > 0 && p.indexOf('.') >= 0 || colon > 0 && p.indexOf(':') != colon ? p.substring(0, colon) : p;
    }
}
