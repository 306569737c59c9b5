package parley.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chat's direct messages: where they are kept ({@link DirectStore}), which connections each
 * account has signed in now (a direct message goes to every one of them), and each account's
 * direct-message rate ({@code --direct-rate}, counted per account, over all its connections, so a
 * second connection does not double it).
 *
 * <p>Any thread: sessions register on their reader and unregister on whichever thread ends them.
 */
final class Directs {
    /** Conversations share these locks (by their key's hash): a conversation's seqs go out in order. */
    private static final int LOCKS = 64;

    private final DirectStore store;
    private final int rate;
    private final ConcurrentHashMap<Long, Set<Session>> online = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, PostRate> rates = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[LOCKS];

    /**
     * @param store where messages are kept
     * @param rate  direct messages a second one account may sustain (bursts of five times as many); 0: no limit
     */
    Directs(DirectStore store, int rate) {
        this.store = store;
        this.rate = rate;
        for (int i = 0; i < LOCKS; i++) locks[i] = new Object();
    }

    DirectStore store() {
        return store;
    }

    int rate() {
        return rate;
    }

    int burst() {
        return (int) Math.min(Integer.MAX_VALUE, 5L * rate);
    }

    /**
     * A session signed in to {@code account} (again, perhaps): {@code welcome} is queued for it, and
     * it gets the account's direct messages from now on, each after the Welcome (so a message sent
     * the moment the client sees its Welcome is not missed, nor comes before it).
     */
    void online(Session s, Accounts.Account account, byte[] welcome) {
        synchronized (s) {
            online.compute(account.id(), (id, set) -> { // atomic with offline's removal of an emptied set
                Set<Session> all = set != null ? set : ConcurrentHashMap.newKeySet();
                all.add(s);
                return all;
            });
            s.outbound().notice(welcome);
        }
    }

    /** The session ended (or was never signed in): nothing more is sent to it. */
    void offline(Session s, Accounts.Account account) {
        if (account == null) return;
        online.computeIfPresent(account.id(), (id, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    /** Sends {@code line} to every connection of {@code account} but {@code except} (or null), never waiting. */
    void tell(Accounts.Account account, byte[] line, Session except) {
        Set<Session> sessions = online.get(account.id());
        if (sessions == null) return;
        for (Session s : sessions) {
            if (s == except) continue;
            synchronized (s) { // never waits: notice only queues
                s.outbound().notice(line);
            }
        }
    }

    /** Takes a token of the account's direct-message rate; false: over it. */
    boolean takeRate(Accounts.Account account) {
        if (rate == 0) return true;
        PostRate r = rates.computeIfAbsent(account.id(), id -> new PostRate(rate, burst()));
        synchronized (r) {
            return r.tryTake(System.nanoTime());
        }
    }

    /** The lock of the conversation of {@code a} and {@code b}: held while a message is numbered and handed out. */
    Object lock(Accounts.Account a, Accounts.Account b) {
        long key = Math.min(a.id(), b.id()) * 31 + Math.max(a.id(), b.id());
        return locks[(int) Math.floorMod(key, (long) LOCKS)];
    }
}
