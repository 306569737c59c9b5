package parley.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import parley.server.Store;

/**
 * A {@link Store} in memory, for testing the server's use of a store without SQLite: appends are
 * committed on a thread of their own (so acknowledgements come from another thread, as the real
 * writer's do), and the same instance handed to a second server acts as the store after a
 * restart. A test may hold commits back ({@link #pause}) to see what the server does meanwhile.
 */
public final class MemoryStore implements Store {
    private final Map<String, NavigableMap<Long, StoredMessage>> groups = new TreeMap<>();
    private final Map<String, Map<String, StoredId>> ids = new TreeMap<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "memory-store"));
    private final Object gate = new Object();
    private boolean paused;
    private final String epoch;

    public MemoryStore(String epoch) {
        this.epoch = epoch;
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public String epoch() {
        return epoch;
    }

    /** Holds commits back until {@link #resume}. */
    public void pause() {
        synchronized (gate) {
            paused = true;
        }
    }

    public void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    private void awaitOpen() {
        synchronized (gate) {
            while (paused) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public GroupState load(String group, int recent, long idsSince) {
        try {
            flush(); // as the SQLite store does: posts still queued count
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        synchronized (this) {
            return loaded(group, recent, idsSince);
        }
    }

    private GroupState loaded(String group, int recent, long idsSince) {
        NavigableMap<Long, StoredMessage> m = groups.get(group);
        if (m == null || m.isEmpty()) return GroupState.EMPTY;
        List<StoredMessage> newest = new ArrayList<>(m.descendingMap().values().stream().limit(recent).toList());
        java.util.Collections.reverse(newest);
        List<StoredId> known = ids.getOrDefault(group, Map.of()).values().stream().filter(i -> i.ts() >= idsSince).toList();
        return new GroupState(m.lastKey(), newest, known);
    }

    @Override
    public synchronized boolean exists(String group) {
        NavigableMap<Long, StoredMessage> m = groups.get(group);
        return m != null && !m.isEmpty();
    }

    @Override
    public void append(String group, long seq, long ts, String from, String text, String id, Ack ack) {
        writer.execute(() -> {
            awaitOpen();
            synchronized (this) {
                groups.computeIfAbsent(group, g -> new TreeMap<>()).put(seq, new StoredMessage(seq, ts, from, text));
                if (id != null) ids.computeIfAbsent(group, g -> new TreeMap<>()).put(id, new StoredId(id, seq, ts));
            }
            if (ack != null) ack.stored();
        });
    }

    @Override
    public void afterQueued(Ack ack) {
        writer.execute(() -> {
            awaitOpen();
            ack.stored();
        });
    }

    @Override
    public int read(String group, long after, long before, int limit, boolean newest, Predicate<StoredMessage> sink) {
        List<StoredMessage> range;
        synchronized (this) {
            NavigableMap<Long, StoredMessage> m = groups.getOrDefault(group, new TreeMap<>());
            NavigableMap<Long, StoredMessage> sub = m.subMap(after, false, before, false);
            List<StoredMessage> all = new ArrayList<>(sub.values());
            range = newest ? all.subList(Math.max(0, all.size() - limit), all.size()) : all.subList(0, Math.min(limit, all.size()));
            range = new ArrayList<>(range);
        }
        int n = 0;
        for (StoredMessage s : range) {
            if (!sink.test(s)) break;
            n++;
        }
        return n;
    }

    @Override
    public synchronized long[] retained(String group) {
        NavigableMap<Long, StoredMessage> m = groups.get(group);
        return m == null || m.isEmpty() ? new long[] {0, 0} : new long[] {m.firstKey(), m.lastKey()};
    }

    @Override
    public synchronized List<String> groupsAfter(String after, int limit) {
        return groups.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(Map.Entry::getKey).filter(n -> after == null || n.compareTo(after) > 0).limit(limit).toList();
    }

    /** The stored seqs of a group, in order. */
    public synchronized List<Long> seqs(String group) {
        return new ArrayList<>(groups.getOrDefault(group, new TreeMap<>()).keySet());
    }

    /** Waits until everything appended so far is committed. */
    public void flush() throws Exception {
        writer.submit(() -> {}).get();
    }

    @Override
    public void close() {
        // The same instance serves the next server of a test: nothing to release.
    }
}
