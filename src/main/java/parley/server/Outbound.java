package parley.server;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import parley.broadcast.Entry;
import parley.broadcast.Received;
import parley.broadcast.Receiver;
import parley.broadcast.Wakeable;
import parley.protocol.Codec;

/**
 * The only writer of one session's transport (the seed's {@code Outbound}, without the mutex).
 *
 * <p>Instead of a task per (member, group) that locks the socket for each packet, one writer
 * thread per connection drains everything pending, from every group ring the connection reads and
 * from its queue of replies, into one buffer, and writes when the buffer is full or nothing more
 * is pending. Packets can therefore never interleave, a busy connection gets one write for many
 * messages, and nothing is allocated per member per message: the bytes come straight from the
 * line each post encoded once.
 *
 * <p>The writer is a virtual thread that exists only while there is work, plus a linger that the
 * server's housekeeping ends ({@link #retireIfIdle}): an idle connection costs no thread and no
 * buffer. Senders signal through a small state machine, so
 * a signal to a writer that is already running costs one CAS and never an unpark.
 *
 * <p>Memory: what a connection is behind on stays in its groups' rings (bounded by their capacity);
 * what it owns is at most one borrowed write buffer plus the reply queue, which is bounded by
 * making the connection's own reader wait when it is full.
 */
final class Outbound implements Wakeable {
    private static final int IDLE = 0;    // no writer thread
    private static final int RUNNING = 1; // writer draining, no new signal since it started
    private static final int DIRTY = 2;   // new work signalled; the writer must look again
    private static final int PARKED = 3;  // writer parked, lingering for work
    private static final int CLOSED = 4;  // no more writing, ever
    /** Messages taken from one group before looking at the next, so one busy group cannot starve the others. */
    private static final int BATCH = 64;
    private static final int INITIAL_BUFFER = 512;
    /** Bytes an inline write (see {@link #wakeInline}) collects at most before leaving the rest to the writer thread. */
    private static final int INLINE_BUDGET = 16 * 1024;
    private static final VarHandle WRITE_SINCE;

    static {
        try {
            WRITE_SINCE = MethodHandles.lookup().findVarHandle(Outbound.class, "writeSince", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A reply and, for each group the connection was in when it was queued, how far that group's
     * ring had got. The writer sends those messages first, so a client sees the effects of its own
     * requests in order: the message it posted before the error its next request caused.
     */
    private record Reply(byte[] line, Sub[] subs, long[] upTo) {}

    /** A group this connection reads, and where a closing connection stops reading it. */
    static final class Sub {
        final GroupTable.Membership membership;
        volatile long stopAt = Long.MAX_VALUE;

        Sub(GroupTable.Membership membership) {
            this.membership = membership;
        }
    }

    private final Sink sink;
    private final int maxBuffer;
    private final long lingerNanos;
    private final long maxReplyBacklog;
    private final Runnable onWriteFailure;
    private final Metrics metrics;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final AtomicLong replyBytes = new AtomicLong();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Sub[] subs = new Sub[0];
    private volatile Thread writer;
    private volatile Thread backlogWaiter;
    private volatile boolean finishing;
    private volatile boolean retire;
    private volatile boolean readerReleased;
    /** Set once the client says Hello: group messages then go out in the extended form. */
    private volatile boolean extended;
    private volatile long lastActive;
    /**
     * When the write in progress started or last made progress (System.nanoTime, never 0), or 0
     * when not writing: the server's housekeeping reads it to find a client whose socket has
     * accepted nothing for the write deadline. Two volatile writes per write batch, one more each
     * time a blocked write goes on, nothing per message.
     */
    private volatile long writeSince;
    /** Group messages put into the buffer since the last write; writer thread only. */
    private int batchMessages;
    /**
     * The writer's buffer, touched only by the writer thread. It starts small, doubles up to the
     * configured size while drains fill it, and is dropped when the writer retires, so a quiet
     * connection holds a few hundred bytes at most and an idle one none. Heap rather than direct:
     * the JDK copies it into a per-carrier cached direct buffer on write, which costs less than
     * sharing a pool of direct buffers between writers (measured: the pool's queue showed up as
     * 10% of server CPU at 5000 posts/s), and keeps idle memory in the heap where it is counted.
     */
    private byte[] buf;
    private int len;
    /** True while a sender's thread holds the writer role to write inline; role holder only. */
    private boolean inline;
    /** Inline: the one line collected so far, written from where it is rather than copied. */
    private byte[] single;
    /** Inline: the budget was reached or the socket did not take everything; the writer thread goes on. */
    private boolean leftover;

    Outbound(Sink sink, ServerConfig config, Metrics metrics, Runnable onWriteFailure) {
        this.sink = sink;
        this.metrics = metrics;
        this.maxBuffer = config.writeBufferBytes();
        this.lingerNanos = config.writerLinger().toNanos();
        this.maxReplyBacklog = config.maxReplyBacklogBytes();
        this.onWriteFailure = onWriteFailure;
        sink.onProgress(() -> writeSince = System.nanoTime() | 1);
    }

    // ------------------------------------------------------------------ called by the reader

    /**
     * Queues a reply for this client. If the client lets replies pile up beyond the limit, the
     * calling reader waits until they drain: the client is slowed by its own backlog. Only the
     * session's reader thread may call this; anyone else uses {@link #notice}.
     */
    void reply(byte[] line) {
        enqueue(line);
        if (mustWaitForBacklog()) metrics.backlogPaused();
        while (mustWaitForBacklog()) {
            backlogWaiter = Thread.currentThread();
            if (mustWaitForBacklog()) {
                LockSupport.park(this);
            }
            backlogWaiter = null;
        }
    }

    private boolean mustWaitForBacklog() {
        return replyBytes.get() > maxReplyBacklog && state.get() != CLOSED && !readerReleased;
    }

    /**
     * The session is being stopped: a reader waiting for its client's backlog must go back and see
     * the end of its input rather than wait for a client that may never read.
     */
    void releaseReader() {
        readerReleased = true;
        unpark(backlogWaiter);
    }

    /**
     * Queues a line from the server itself (a shutdown or limit notice) from any thread, without
     * ever waiting: the caller may be the housekeeping thread or the shutdown sweep, which must not
     * be held up by one client's backlog. Like a reply, it goes out after the group messages
     * queued before it.
     */
    void notice(byte[] line) {
        enqueue(line);
    }

    private void enqueue(byte[] line) {
        Sub[] now = subs;
        long[] upTo = new long[now.length];
        for (int i = 0; i < now.length; i++) {
            upTo[i] = now[i].membership.receiver().channel().tail();
        }
        replies.add(new Reply(line, now, upTo));
        replyBytes.addAndGet(line.length);
        wake();
    }

    void useExtendedProtocol() {
        extended = true;
    }

    boolean extended() {
        return extended;
    }

    /**
     * Starts reading a group. Anything already due (history asked for with the Join) is written
     * from the caller's thread if it can be, so joining usually starts no writer thread.
     */
    void add(Sub sub) {
        Sub[] old = subs;
        Sub[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = sub;
        subs = grown;
        wakeInline();
    }

    void remove(Sub sub) {
        Sub[] old = subs;
        int i = Arrays.asList(old).indexOf(sub);
        if (i < 0) return;
        Sub[] shrunk = new Sub[old.length - 1];
        System.arraycopy(old, 0, shrunk, 0, i);
        System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
        subs = shrunk;
    }

    /**
     * Writes everything queued until now (replies, and each group up to its current end), then
     * stops. Returns false if that did not finish within the timeout.
     */
    boolean finish(Duration timeout) throws InterruptedException {
        for (Sub s : subs) {
            s.stopAt = s.membership.receiver().channel().tail();
        }
        finishing = true;
        wake();
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops writing for good; a writer blocked in a write is released when the transport closes. */
    void close() {
        state.set(CLOSED);
        finished.countDown();
        unpark(backlogWaiter);
        unpark(writer);
    }

    // ------------------------------------------------------------------ signalling

    /** Called by group senders and by the reader: there may be something to write. */
    @Override
    public void wake() {
        while (true) {
            int s = state.get();
            if (s == DIRTY || s == CLOSED) return;
            if (state.compareAndSet(s, DIRTY)) {
                if (s == IDLE) {
                    Thread.ofVirtual().start(this::run);
                } else if (s == PARKED) {
                    unpark(writer);
                }
                return;
            }
        }
    }

    /**
     * From a send to a quiet group: if no writer thread is running and the transport can write
     * without waiting, the sender's thread takes the writer role and writes what is pending right
     * away, which spares starting or waking the writer thread, and its stack, for one line. What
     * the socket does not take at once, and anything beyond a small budget, is left to the writer
     * thread, so the sender never waits for this client.
     */
    @Override
    public void wakeInline() {
        if (finishing || !sink.canTryWrite()) {
            wake();
            return;
        }
        if (!state.compareAndSet(IDLE, RUNNING)) {
            // A writer thread is about (left from a busy spell): it writes this, then ends rather
            // than lingers, so the next quiet send finds the role free.
            retire = true; // read only once the writer has drained and parked
            wake();
            return;
        }
        boolean handOff;
        inline = true;
        try {
            drain();
            handOff = leftover || !replies.isEmpty();
        } catch (IOException | RuntimeException e) {
            handOff = true; // the writer thread meets it again and ends the session
        } finally {
            inline = false;
            leftover = false;
        }
        if (!handOff) {
            buf = null;
            len = 0;
            if (state.compareAndSet(RUNNING, IDLE)) return;
        }
        keepSingle();
        // More to write, or a signal came meanwhile (DIRTY), or the session closed (the thread sees it and ends).
        Thread.ofVirtual().start(this::run);
    }

    // ------------------------------------------------------------------ the writer thread

    private void run() {
        writer = Thread.currentThread();
        boolean retired = false;
        try {
            while (true) {
                int s = state.get();
                if (s == CLOSED) return;
                if (!state.compareAndSet(s, RUNNING)) continue;
                drain();
                lastActive = System.nanoTime();
                if (finishing && allWritten()) {
                    state.set(CLOSED);
                    finished.countDown();
                    return;
                }
                if (state.compareAndSet(RUNNING, PARKED) && (retired = lingerUntilIdle())) return;
            }
        } catch (IOException | RuntimeException e) {
            state.set(CLOSED);
            finished.countDown();
            unpark(backlogWaiter);
            onWriteFailure.run();
        } finally {
            // A retired writer gave up its buffer before it gave up the role: by now a new writer
            // may own them. Only after CLOSED, when no writer can follow, are they let go here.
            if (!retired) release();
        }
    }

    /** Drops the writer's buffer (and the sink's view of it): an idle connection holds neither. */
    private void release() {
        buf = null;
        len = 0;
        sink.idle();
    }

    /**
     * Parks until there is work or the server's housekeeping asks an idle writer to retire.
     * Returns true if the thread should end. Only this thread moves PARKED to IDLE, so a writer
     * started by a later signal can never overlap with this one.
     */
    private boolean lingerUntilIdle() {
        while (state.get() == PARKED) {
            if (retire) {
                retire = false;
                // Still the only writer: let go of everything first, then of the role. A writer
                // started by a signal after the CAS must find nothing of this one in its way.
                release();
                writer = null;
                if (state.compareAndSet(PARKED, IDLE)) return true;
                writer = Thread.currentThread(); // a signal came first: carry on as the writer
                return false;
            }
            LockSupport.park(this);
        }
        return false;
    }

    /**
     * Housekeeping: ends the writer thread of a connection that has had nothing to write for the
     * linger time, so an idle connection holds no thread. A timed park per drain would do the same
     * but costs a timer task on every single wake; one sweep over all connections is far cheaper.
     */
    void retireIfIdle(long now) {
        if (state.get() == PARKED && now - lastActive >= lingerNanos) {
            retire = true;
            unpark(writer);
        }
    }

    private void drain() throws IOException {
        boolean progress = true;
        while (progress) {
            progress = !inline && drainReplies(); // a reply waits for the writer thread: see wakeInline
            for (Sub s : subs) {
                progress |= drainGroup(s, Long.MAX_VALUE, BATCH);
            }
        }
        flushOut();
    }

    private boolean drainReplies() throws IOException {
        boolean any = false;
        Reply r;
        while ((r = replies.poll()) != null) {
            replyBytes.addAndGet(-r.line().length);
            for (int i = 0; i < r.subs().length; i++) {
                drainGroup(r.subs()[i], r.upTo()[i], Integer.MAX_VALUE);
            }
            put(r.line());
            any = true;
        }
        if (any) unpark(backlogWaiter);
        return any;
    }

    /**
     * Writes up to {@code max} of a group's messages, stopping before sequence {@code upTo} (and
     * before a closing connection's stop point). Returns true if it wrote anything.
     */
    private boolean drainGroup(Sub s, long upTo, int max) throws IOException {
        Receiver<Posted> rx = s.membership.receiver();
        long stop = Math.min(upTo, s.stopAt);
        for (int k = 0; k < max; k++) {
            if (rx.position() >= stop) return k > 0;
            if (inline && inlineBudgetSpent()) return k > 0;
            switch (rx.poll()) {
                case Entry<Posted> e -> {
                    batchMessages++; // before put, which may write: the count stays exact
                    put(extended ? e.value().extendedLine(e.seq()) : e.value().line());
                }
                case Received.Lagged<Posted> l -> {
                    metrics.lagged(l.missed());
                    put(Codec.encodeError(
                            "Dropped " + l.missed() + " messages from " + s.membership.group().name() + "."));
                }
                case Received.Empty<Posted> e -> { return k > 0; }
                case Received.Closed<Posted> c -> { return k > 0; }
            }
        }
        return true;
    }

    private boolean allWritten() {
        if (!replies.isEmpty()) return false;
        for (Sub s : subs) {
            Receiver<Posted> rx = s.membership.receiver();
            if (!rx.isClosed() && rx.position() < s.stopAt) return false;
        }
        return true;
    }

    private void put(byte[] line) throws IOException {
        if (inline) {
            putInline(line);
            return;
        }
        if (buf == null) buf = new byte[INITIAL_BUFFER];
        if (line.length > buf.length - len) {
            if (buf.length < maxBuffer) {
                // Busy: grow toward the configured size so later drains need fewer writes.
                buf = Arrays.copyOf(buf, Math.min(maxBuffer, Math.max(buf.length * 2, len + line.length)));
            }
            if (line.length > buf.length - len) {
                flushOut();
                if (line.length > buf.length) {
                    write(line, line.length);
                    return;
                }
            }
        }
        System.arraycopy(line, 0, buf, len, line.length);
        len += line.length;
    }

    private void flushOut() throws IOException {
        if (inline) {
            flushInline();
            return;
        }
        if (len == 0) return;
        write(buf, len);
        len = 0;
    }

    // ------------------------------------------------------------------ inline writes (role held by a sender)

    /** Collects a line without ever writing: one line stays where it is; more are copied together. */
    private void putInline(byte[] line) {
        if (single == null && len == 0) {
            single = line;
            return;
        }
        keepSingle();
        appendInline(line);
    }

    /** Moves the single collected line into the buffer, where the writer thread expects pending bytes. */
    private void keepSingle() {
        byte[] line = single;
        if (line == null) return;
        single = null;
        appendInline(line);
    }

    /** Appends to the buffer, growing it without bound: the inline budget is checked per line. */
    private void appendInline(byte[] line) {
        if (buf == null) buf = new byte[Math.max(INITIAL_BUFFER, line.length)];
        if (line.length > buf.length - len) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + line.length));
        System.arraycopy(line, 0, buf, len, line.length);
        len += line.length;
    }

    private boolean inlineBudgetSpent() {
        if ((single != null ? single.length : len) < INLINE_BUDGET) return false;
        leftover = true;
        return true;
    }

    /** Writes what the socket takes now; the rest stays at the front of the buffer for the writer thread. */
    private void flushInline() {
        byte[] b = single != null ? single : buf;
        int n = single != null ? single.length : len;
        if (n == 0) return;
        int took = (int) Math.max(0, sink.tryWrite(b, 0, n));
        if (took > 0) { // otherwise the writer thread's write counts these messages
            metrics.wrote(batchMessages, took);
            batchMessages = 0;
        }
        if (took == n) {
            single = null;
            len = 0;
            return;
        }
        int rest = n - took;
        if (b == single) {
            single = null;
            buf = new byte[Math.max(INITIAL_BUFFER, rest)];
        }
        System.arraycopy(b, took, buf, 0, rest);
        len = rest;
        leftover = true;
    }

    /** One write batch to the transport, timed for the write deadline and counted once. */
    private void write(byte[] b, int n) throws IOException {
        writeSince = System.nanoTime() | 1;
        try {
            sink.write(b, 0, n);
        } finally {
            writeSince = 0;
        }
        metrics.wrote(batchMessages, n);
        batchMessages = 0;
    }

    /**
     * The client took some of the write in progress (seen by housekeeping): its deadline starts
     * again from {@code now}. Nothing if that write has ended meanwhile. Any thread.
     */
    void progressed(long now) {
        long since = writeSince;
        if (since != 0) WRITE_SINCE.compareAndSet(this, since, now | 1);
    }

    /** How long the write in progress has taken nothing, or 0 if the writer is not in a write. */
    long blockedFor(long now) {
        long since = writeSince;
        return since == 0 ? 0 : now - since;
    }

    /** Bytes queued for the client and not yet handed to the transport (a racy snapshot, for metrics). */
    long backlogBytes() {
        return replyBytes.get() + len;
    }

    /** Group messages waiting for this client, each group counted up to its capacity. */
    long backlogMessages() {
        long n = 0;
        for (Sub s : subs) {
            Receiver<Posted> rx = s.membership.receiver();
            if (!rx.isClosed()) n += Math.min(rx.backlog(), rx.channel().capacity());
        }
        return n;
    }

    private static void unpark(Thread t) {
        if (t != null) LockSupport.unpark(t);
    }
}
