package parley.server;

/**
 * A token bucket for one connection's posts (--post-rate) or its other requests (--request-rate):
 * {@code burst} at once, then {@code rate} a second. Used by the connection's reader thread only, so it needs no synchronisation, and it
 * reads the clock only when a post arrives (no timer).
 */
final class PostRate {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    PostRate(int perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    /** Takes a token if one is there; false means the post or request is over the limit. */
    boolean tryTake(long now) {
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }
}
