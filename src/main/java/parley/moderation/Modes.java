package parley.moderation;

/**
 * A group's modes: invite-only (joined only by invited accounts and its operators), moderated
 * (only operators post) and private (not listed to non-members, closed to anonymous connections).
 */
public record Modes(boolean inviteOnly, boolean moderated, boolean privateGroup) {
    /** A group as every group was before moderation. */
    public static final Modes OPEN = new Modes(false, false, false);

    /** These modes with each given one changed (null: unchanged). */
    public Modes with(Boolean inviteOnly, Boolean moderated, Boolean privateGroup) {
        return new Modes(inviteOnly != null ? inviteOnly : this.inviteOnly,
                moderated != null ? moderated : this.moderated,
                privateGroup != null ? privateGroup : this.privateGroup);
    }
}
