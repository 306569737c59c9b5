package parley.server;

import java.util.List;

/**
 * Where direct messages, read markers and block lists are kept: the SQLite store's tables
 * ({@code parley.store}), or memory ({@link MemoryDirectStore}, for {@code --data none}). A
 * conversation is the pair of its two accounts, keyed by their ids; its seqs count from 1.
 *
 * <p>Threads: called on session readers. {@link #append} is durable when it returns (a direct
 * message is rare next to posts, so it is written at once rather than batched); implementations
 * serialise their own work.
 */
public interface DirectStore extends AutoCloseable {

    /** One direct message: its seq in its conversation, when it was accepted (ms since 1970), who to whom. */
    record DirectMessage(long seq, long ts, String from, String to, String text) {}

    /** What {@link #append} did: {@code fresh} false when the id was a resend and {@code message} is the first one. */
    record Appended(DirectMessage message, boolean fresh) {}

    /** One of an account's conversations: the other account's name, its newest seq, the account's read marker. */
    record Conversation(String with, long newest, long read) {}

    /** Whether direct messages outlive the process. */
    default boolean persistent() {
        return false;
    }

    /**
     * Keeps a message from {@code from} to {@code to} accepted at {@code ts}, numbered one after
     * the conversation's newest, and moves the sender's read marker to it (one has read what one
     * sent). With an {@code id} the sender already used in this conversation at or after
     * {@code idsSince} (ms since 1970), nothing is kept and the earlier message is returned.
     */
    Appended append(Accounts.Account from, Accounts.Account to, String text, String id, long ts, long idsSince);

    /** The newest seq of the conversation of {@code a} and {@code b} (0 for none). */
    long newest(Accounts.Account a, Accounts.Account b);

    /**
     * Messages of the conversation with {@code after < seq < before}, oldest first, at most
     * {@code limit}: the oldest such if {@code newest} is false, else the newest such.
     */
    List<DirectMessage> page(Accounts.Account me, Accounts.Account with, long after, long before, int limit, boolean newest);

    /** The oldest and newest seq the conversation retains, or {0, 0}. */
    long[] retained(Accounts.Account me, Accounts.Account with);

    /** The account's conversations, the most recently active first, at most {@code limit}. */
    List<Conversation> conversations(Accounts.Account me, int limit);

    /** Direct messages to the account above its read markers, over every conversation. */
    long unread(Accounts.Account me);

    /**
     * Moves the account's read marker in the conversation with {@code with} up to {@code seq}
     * (never down, never past the newest); returns the marker now.
     */
    long markRead(Accounts.Account me, Accounts.Account with, long seq);

    /** Blocks ({@code on}) or unblocks {@code other} for {@code me}. */
    void block(Accounts.Account me, Accounts.Account other, boolean on);

    /** Whether {@code blocker} has blocked {@code sender}. */
    boolean blocks(Accounts.Account blocker, Accounts.Account sender);

    @Override
    default void close() {}
}
