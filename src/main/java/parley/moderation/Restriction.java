package parley.moderation;

/**
 * A ban or a mute of one account: who made it, why (null if not said), and until when (ms since
 * 1970; 0 for good). An expired one is as if it were not there.
 */
public record Restriction(String by, String reason, long until) {
    /** Whether it still holds at {@code now}. */
    public boolean activeAt(long now) {
        return until == 0 || now < until;
    }
}
