package parley.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Direct messages kept in memory, for {@code --data none}: the same behaviour as the store's while
 * the process lives, gone when it stops. Each conversation keeps its newest {@code perConversation}
 * messages (the {@code --history} setting, as a group's ring and store do). One lock: direct
 * messages are rare and each step is short.
 */
public final class MemoryDirectStore implements DirectStore {
    /** One conversation: {@code a} is the account with the lower id. */
    private static final class Conv {
        final Accounts.Account a, b;
        final ArrayDeque<Stored> messages = new ArrayDeque<>();
        long lastSeq, readA, readB, active;

        Conv(Accounts.Account a, Accounts.Account b) {
            this.a = a;
            this.b = b;
        }

        Accounts.Account other(long me) {
            return a.id() == me ? b : a;
        }
    }

    /** A kept message with its sender's id and the client's id (or null), for deduplication. */
    private record Stored(DirectMessage m, long senderId, String clientId) {}

    private record Key(long lo, long hi) {
        static Key of(Accounts.Account x, Accounts.Account y) {
            return new Key(Math.min(x.id(), y.id()), Math.max(x.id(), y.id()));
        }
    }

    private final int perConversation;
    private final Map<Key, Conv> conversations = new HashMap<>();
    private final Map<Long, Set<Key>> byAccount = new HashMap<>();
    private final Set<Key> blocks = new HashSet<>(); // (blocker, blocked): not a conversation key

    public MemoryDirectStore(int perConversation) {
        this.perConversation = Math.max(1, perConversation);
    }

    @Override
    public synchronized Appended append(Accounts.Account from, Accounts.Account to, String text, String id, long ts,
                                        long idsSince) {
        Conv c = conversation(from, to, true);
        if (id != null) {
            for (Iterator<Stored> i = c.messages.descendingIterator(); i.hasNext(); ) {
                Stored s = i.next();
                if (s.m().ts() < idsSince) break;
                if (s.senderId() == from.id() && id.equals(s.clientId())) return new Appended(s.m(), false);
            }
        }
        DirectMessage m = new DirectMessage(++c.lastSeq, ts, from.name(), to.name(), text);
        c.messages.addLast(new Stored(m, from.id(), id));
        if (c.messages.size() > perConversation) c.messages.removeFirst();
        c.active = ts;
        setRead(c, from.id(), m.seq());
        return new Appended(m, true);
    }

    @Override
    public synchronized long newest(Accounts.Account a, Accounts.Account b) {
        Conv c = conversation(a, b, false);
        return c == null ? 0 : c.lastSeq;
    }

    @Override
    public synchronized List<DirectMessage> page(Accounts.Account me, Accounts.Account with, long after, long before,
                                                 int limit, boolean newest) {
        Conv c = conversation(me, with, false);
        List<DirectMessage> out = new ArrayList<>();
        if (c == null) return out;
        Iterator<Stored> i = newest ? c.messages.descendingIterator() : c.messages.iterator();
        while (i.hasNext() && out.size() < limit) {
            DirectMessage m = i.next().m();
            if (m.seq() > after && m.seq() < before) out.add(m);
        }
        if (newest) java.util.Collections.reverse(out);
        return out;
    }

    @Override
    public synchronized long[] retained(Accounts.Account me, Accounts.Account with) {
        Conv c = conversation(me, with, false);
        if (c == null || c.messages.isEmpty()) return new long[] {0, 0};
        return new long[] {c.messages.getFirst().m().seq(), c.messages.getLast().m().seq()};
    }

    @Override
    public synchronized List<Conversation> conversations(Accounts.Account me, int limit) {
        List<Conv> mine = new ArrayList<>();
        for (Key k : byAccount.getOrDefault(me.id(), Set.of())) mine.add(conversations.get(k));
        mine.sort(Comparator.comparingLong((Conv c) -> c.active).reversed());
        List<Conversation> out = new ArrayList<>();
        for (Conv c : mine.subList(0, Math.min(limit, mine.size()))) {
            out.add(new Conversation(c.other(me.id()).name(), c.lastSeq, readOf(c, me.id())));
        }
        return out;
    }

    @Override
    public synchronized long unread(Accounts.Account me) {
        long n = 0;
        for (Key k : byAccount.getOrDefault(me.id(), Set.of())) {
            Conv c = conversations.get(k);
            long read = readOf(c, me.id());
            for (Stored s : c.messages) if (s.m().seq() > read && s.senderId() != me.id()) n++;
        }
        return n;
    }

    @Override
    public synchronized long markRead(Accounts.Account me, Accounts.Account with, long seq) {
        Conv c = conversation(me, with, false);
        if (c == null) return 0;
        setRead(c, me.id(), Math.min(seq, c.lastSeq));
        return readOf(c, me.id());
    }

    @Override
    public synchronized void block(Accounts.Account me, Accounts.Account other, boolean on) {
        Key k = new Key(me.id(), other.id());
        if (on) blocks.add(k);
        else blocks.remove(k);
    }

    @Override
    public synchronized boolean blocks(Accounts.Account blocker, Accounts.Account sender) {
        return blocks.contains(new Key(blocker.id(), sender.id()));
    }

    private Conv conversation(Accounts.Account x, Accounts.Account y, boolean create) {
        Key k = Key.of(x, y);
        Conv c = conversations.get(k);
        if (c == null && create) {
            c = x.id() < y.id() ? new Conv(x, y) : new Conv(y, x);
            conversations.put(k, c);
            byAccount.computeIfAbsent(x.id(), i -> new HashSet<>()).add(k);
            byAccount.computeIfAbsent(y.id(), i -> new HashSet<>()).add(k);
        }
        return c;
    }

    private static long readOf(Conv c, long me) {
        return c.a.id() == me ? c.readA : c.readB;
    }

    private static void setRead(Conv c, long me, long seq) {
        if (c.a.id() == me) c.readA = Math.max(c.readA, seq);
        else c.readB = Math.max(c.readB, seq);
    }
}
