package parley.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import parley.log.Log;
import parley.server.Store;

/**
 * The one thread that writes: it takes what is queued, up to a batch, and commits it in one
 * transaction, then tells each post's ack. A batch is whatever has queued meanwhile (at most
 * {@code maxBatch} posts), and commits are at least {@link #BATCH_WINDOW_NANOS} apart: a lone post
 * after a quiet spell is committed at once, while under load each commit takes what queued in
 * the window. Between batches it runs {@link Retention}'s next step.
 *
 * <p>The queue is bounded: when it is full, {@link #put} waits, and so the poster's reader waits
 * and TCP pushes back on the poster. Nothing is dropped: a post is committed, or its ack is told
 * why not. A failed batch does not stop the writer; the next batch tries again, so the store
 * recovers by itself once the disk has room.
 */
final class Writer implements Runnable {
    /**
     * The least time between the starts of two commits, unless a whole batch ({@code maxBatch}
     * posts) has queued sooner. A commit writes every page it changed to the WAL (two system calls a
     * page), so its cost grows with the pages touched, which is about one page per group posted to
     * in the batch: with 100 busy groups (scenario b), a 10 ms window committed about 67 posts over
     * 50 pages at 6750 posts/s and the writer's thread cost 26-33 us a post; 50 ms, 15-18 us
     * (WriterCost, docs/store.md). Without any window the writer, always ready, committed 1.15 posts
     * a batch at 2000 posts/s and took the cores the fan-out needed. The window delays a post's
     * Posted by at most this much under load (a lone post after a quiet spell is committed at
     * once); delivery to members never waits for it.
     */
    static final long BATCH_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** How often the window's wait looks whether a whole batch has queued. */
    private static final long WINDOW_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /**
     * The most text the queue holds at once (two bytes a character, plus each post's record): past
     * it {@link #put} waits as for a full queue. The count bound alone let 4096 posts of up to
     * --max-message each sit in the heap uncounted (a flood of 1 MB posts kept RSS 140 MB up in the
     * hostile suite's ring flood); this keeps the queue's memory small whatever the posts' size.
     */
    static final long MAX_QUEUED_BYTES = 16L << 20;

    /** What the queue holds now, by {@link #cost}; guarded by its own monitor for the waiting. */
    private final Object room = new Object();
    private long queuedBytes;
    /** Posters waiting in {@link #put} for the queue's text to go; guarded by {@code room}. */
    private int waitingForRoom;

    /** What a queued item holds in memory. */
    static long cost(Item item) {
        return item instanceof Post p ? 128 + 2L * p.text().length() + (p.from() == null ? 0 : 2L * p.from().length()) : 64;
    }

    /** What the queue carries. */
    sealed interface Item permits Post, Marker, Task, Stop {}

    /** A post, or (with {@code event}) a moderation event stored among the group's messages. */
    record Post(String group, long seq, long ts, String from, String text, String id, Store.Ack ack, boolean event)
            implements Item {
        Post(String group, long seq, long ts, String from, String text, String id, Store.Ack ack) {
            this(group, seq, ts, from, text, id, ack, false);
        }
    }

    /** {@code afterQueued}: told once everything queued before it is committed. */
    record Marker(Store.Ack ack) implements Item {}

    /** Work to run on the writer's thread with its connection, between batches (tests, close). */
    record Task(Consumer<Connection> work) implements Item {}

    /** The end: commit what came before, then stop. */
    record Stop() implements Item {}

    private final BlockingQueue<Item> queue;
    private final int maxBatch;
    private final int nice;
    private final Connection db;
    private final Batches batches;
    private final Retention retention;
    private final Counters counters;
    private final Thread thread;
    /**
     * Tells the acks, in commit order, on a thread of normal priority. An ack's work can start
     * threads (a Posted wakes the poster's writer, a virtual thread whose carrier the pool may
     * make then), and on Linux a thread is born with its maker's nice value: made by this
     * writer's thread, a carrier would run delivery at the writer's low priority. Its one thread
     * is started here, by whoever opens the store, and never replaced (tell() lets nothing out).
     */
    private final ThreadPoolExecutor acks;
    private volatile boolean crashed;
    private volatile boolean pauseRequested;
    private volatile boolean paused;
    /** The kind of the last failure, until a batch commits again: for logging the change once. */
    private Sqlite.Kind failing;

    Writer(Connection db, StoreOptions options, Retention retention, Counters counters, java.util.Map<String, Long> pending) {
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.maxBatch = options.maxBatch();
        this.nice = options.writerNice();
        this.db = db;
        this.batches = new Batches(db, pending);
        this.retention = retention;
        this.counters = counters;
        this.thread = Thread.ofPlatform().name("parley-store-writer").daemon(true).unstarted(this);
        this.acks = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("parley-store-acks").daemon(true).factory());
        acks.prestartAllCoreThreads();
    }

    void start() {
        thread.start();
    }

    /** Queues an item; waits while the queue is full. */
    void put(Item item) throws InterruptedException {
        long cost = cost(item);
        synchronized (room) {
            // An item larger than the bound alone still goes in once the queue's text is gone.
            while (queuedBytes > 0 && queuedBytes + cost > MAX_QUEUED_BYTES) {
                waitingForRoom++;
                try {
                    room.wait();
                } finally {
                    waitingForRoom--;
                }
            }
            queuedBytes += cost;
        }
        queue.put(item);
    }

    int depth() {
        return queue.size();
    }

    /** Whether {@link #put} would wait now. */
    boolean full() {
        synchronized (room) {
            if (queuedBytes >= MAX_QUEUED_BYTES) return true;
        }
        return queue.remainingCapacity() == 0;
    }

    /** Whether a poster waits in {@link #put} now, or would. */
    private boolean posterWaits() {
        synchronized (room) {
            if (waitingForRoom > 0) return true;
        }
        return full();
    }

    /** What is left in the queue after the writer stopped (posts appended during close). */
    List<Item> leftovers() {
        List<Item> rest = new ArrayList<>();
        queue.drainTo(rest);
        return rest;
    }

    @Override
    public void run() {
        WriterPriority.apply(nice);
        List<Item> batch = new ArrayList<>(maxBatch);
        long lastCommit = System.nanoTime() - BATCH_WINDOW_NANOS;
        try {
            while (!crashed) {
                holdWhilePaused();
                // A short poll, so that pause() and retention are noticed soon on an idle store.
                Item first = queue.poll(Math.min(100, retention.dueInMillis()), TimeUnit.MILLISECONDS);
                if (crashed) return;
                if (first == null) {
                    if (retention.dueInMillis() == 0) retention.step();
                    continue;
                }
                batch.add(first);
                // Only posts gain from waiting: a Stop, a task (a Drop) or a marker goes at once.
                if (first instanceof Post) awaitWindow(lastCommit);
                if (crashed) return;
                queue.drainTo(batch, maxBatch - 1);
                lastCommit = System.nanoTime();
                taken(batch);
                boolean stop = handle(batch);
                batch.clear();
                if (stop) return;
                if (retention.dueInMillis() == 0) retention.step();
            }
        } catch (InterruptedException e) {
            // crash(): the thread is abandoned mid-way, as a killed process would be
        } catch (RuntimeException | Error e) {
            Log.error("store.writer_died", e);
            throw e;
        }
    }

    /**
     * Waits until the window since the last commit has passed, a whole batch is queued, or a
     * poster waits for room (it would wait for the window's end).
     */
    private void awaitWindow(long lastCommit) {
        long end = lastCommit + BATCH_WINDOW_NANOS;
        for (long left = end - System.nanoTime(); left > 0 && queue.size() < maxBatch - 1 && !posterWaits() && !crashed;
                left = end - System.nanoTime()) {
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, WINDOW_CHECK_NANOS));
        }
    }

    /** The batch is out of the queue: its text no longer counts against the queue's bound. */
    private void taken(List<Item> batch) {
        long freed = 0;
        for (Item i : batch) freed += cost(i);
        synchronized (room) {
            queuedBytes -= freed;
            room.notifyAll();
        }
    }

    /**
     * Commits a batch's posts and tells their acks, in queue order around its tasks: the posts
     * queued before a task (a Drop) are committed before it runs, the ones after it after, so a
     * Drop deletes only what was queued before it. True if the batch ended with Stop.
     */
    private boolean handle(List<Item> batch) {
        List<Post> posts = new ArrayList<>(batch.size());
        List<Store.Ack> waiting = new ArrayList<>(); // told after their commit; a post without an id has none
        for (Item i : batch) {
            switch (i) {
                case Post p -> {
                    posts.add(p);
                    if (p.ack() != null) waiting.add(p.ack());
                }
                case Marker m -> waiting.add(m.ack());
                case Task t -> {
                    commitAndTell(posts, waiting);
                    try {
                        t.work().accept(db);
                    } catch (RuntimeException e) {
                        Log.error("store.task_failed", e);
                    }
                }
                case Stop s -> {
                    commitAndTell(posts, waiting);
                    return true;
                }
            }
        }
        commitAndTell(posts, waiting);
        return false;
    }

    /** Commits {@code posts} (if any), hands {@code waiting} to the acks' thread, and empties both. */
    private void commitAndTell(List<Post> posts, List<Store.Ack> waiting) {
        String why = posts.isEmpty() ? null : commit(posts);
        if (!waiting.isEmpty()) {
            List<Store.Ack> told = List.copyOf(waiting);
            acks.execute(() -> told.forEach(ack -> tell(ack, why)));
        }
        posts.clear();
        waiting.clear();
    }

    /** Commits the posts; null if they are stored, else what their authors are told. */
    private String commit(List<Post> posts) {
        long t0 = System.nanoTime();
        try {
            boolean allInserted = batches.commit(posts);
            retention.touched(posts, allInserted);
            counters.committed(posts.size(), System.nanoTime() - t0);
            if (failing != null) Log.info("store.recovered", "after", failing.name().toLowerCase());
            failing = null;
            return null;
        } catch (SQLException | RuntimeException e) {
            // Whatever went wrong, the writer lives on: a dead writer would leave posters waiting
            // on a full queue for ever.
            Sqlite.Kind kind = e instanceof SQLException se ? Sqlite.kind(se) : Sqlite.Kind.OTHER;
            if (kind == Sqlite.Kind.OTHER && batches.atPageLimit()) kind = Sqlite.Kind.DISK_FULL;
            counters.failed(posts.size(), kind);
            if (failing != kind) {
                Log.warn("store.write_failed", "kind", kind.name().toLowerCase(), "posts", posts.size(),
                        "error", e.getMessage());
            }
            failing = kind;
            // The posts are lost, but their seqs were delivered: record them now if the disk
            // allows a row update, else with the next batch.
            batches.recordUnrecorded();
            return Sqlite.why(kind);
        }
    }

    static void tell(Store.Ack ack, String why) {
        if (ack == null) return;
        try {
            if (why == null) ack.stored();
            else ack.failed(why);
        } catch (RuntimeException e) {
            Log.error("store.ack_failed", e);
        }
    }

    /** After the writer has stopped: the seqs of failed batches, if any are still unwritten; false if they could not be. */
    boolean recordUnrecorded() {
        return batches.recordUnrecorded();
    }

    void closeStatements() {
        batches.close();
        retention.close();
    }

    /**
     * Waits for the writer to finish everything queued before the Stop that the caller queued, and
     * for every ack of it to be told.
     */
    void join() throws InterruptedException {
        thread.join();
        acks.shutdown();
        if (!acks.awaitTermination(30, TimeUnit.SECONDS)) Log.warn("store.acks_slow");
    }

    /** Abandons the thread where it is, as a killed process would: nothing more is committed. */
    void crash() throws InterruptedException {
        crashed = true;
        thread.interrupt();
        thread.join();
        acks.shutdownNow();
    }

    // ------------------------------------------------------------------ test hooks

    /** Stops taking from the queue (after the current batch) until {@link #resume}; returns once it has stopped. */
    void pause() {
        pauseRequested = true;
        while (!paused && thread.isAlive()) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void resume() {
        pauseRequested = false;
    }

    private void holdWhilePaused() throws InterruptedException {
        if (!pauseRequested) return;
        paused = true;
        while (pauseRequested && !crashed) Thread.sleep(1);
        paused = false;
    }
}
