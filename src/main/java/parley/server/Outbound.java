package parley.server;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import parley.broadcast.Wakeable;
import parley.budget.MemoryBudget;
import parley.server.outbound.WriteDeadline;
import parley.server.outbound.WriterRole;

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
 * buffer. For a quiet group the sender's own thread may write instead ({@link #wakeInline}).
 *
 * <p>This class wires the parts, each holding one idea: who may write ({@link WriterRole}), what
 * goes out next and in which order ({@link Drain} over the {@link Subscriptions} and the
 * {@link ReplyQueue}), how it is written ({@link WriteBatch} on the writer thread,
 * {@link InlineBatch} on a sender's), and how long a write has been stuck ({@link WriteDeadline}).
 *
 * <p>Memory: what a connection is behind on stays in its groups' rings (bounded by their capacity);
 * what it owns is at most one borrowed write buffer plus the reply queue, which is bounded by
 * making the connection's own reader wait when it is full (counting what each reply really holds)
 * or when the server's replies budget is.
 */
final class Outbound implements Wakeable {
    /** Writer threads, named so a thread dump (or a test) can count them; thread-safe, no name built per thread. */
    private static final ThreadFactory WRITERS = Thread.ofVirtual().name("parley-writer").factory();

    /** A group this connection reads, and where a closing connection stops reading it. */
    static final class Sub {
        final GroupTable.Membership membership;
        volatile long stopAt = Long.MAX_VALUE;
        /**
         * Nothing of the group is written while set: its earlier messages, read from the store,
         * are on their way as replies, and the ring's must follow them (see {@link #release}).
         */
        volatile boolean held;

        Sub(GroupTable.Membership membership) {
            this.membership = membership;
        }

        /** A membership whose ring messages wait until {@link Outbound#release}. */
        static Sub held(GroupTable.Membership membership) {
            Sub s = new Sub(membership);
            s.held = true;
            return s;
        }
    }

    private final Sink sink;
    private final long lingerNanos;
    private final Runnable onWriteFailure;
    private final WriterRole role = new WriterRole();
    private final WriteDeadline deadline = new WriteDeadline();
    private final Subscriptions subs = new Subscriptions();
    private final ReplyQueue replies;
    private final Drain drain;
    private final WriteBatch batch;
    private final InlineBatch inline;
    private final Metrics metrics;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean finishing;
    /** When the writer last finished a drain (System.nanoTime): housekeeping retires it after the linger. */
    private volatile long lastActive;

    Outbound(Sink sink, ServerConfig config, Metrics metrics, Runnable onWriteFailure) {
        this(sink, config, metrics, onWriteFailure, MemoryBudget.unlimited("replies"));
    }

    /** @param replyBudget what this connection's queued replies draw from, with every other connection's */
    Outbound(Sink sink, ServerConfig config, Metrics metrics, Runnable onWriteFailure, MemoryBudget replyBudget) {
        this.sink = sink;
        this.metrics = metrics;
        this.lingerNanos = config.writerLinger().toNanos();
        this.onWriteFailure = onWriteFailure;
        this.replies = new ReplyQueue(config.maxReplyBacklogBytes(), replyBudget);
        this.drain = new Drain(subs, replies, metrics);
        this.batch = new WriteBatch(sink, config.writeBufferBytes(), metrics, deadline);
        this.inline = new InlineBatch(sink, metrics);
        sink.onProgress(deadline::tookSome);
    }

    // ------------------------------------------------------------------ called by the reader

    /**
     * Queues a reply for this client. If the client lets replies pile up beyond the limit, the
     * calling reader waits until they drain: the client is slowed by its own backlog. So it does,
     * before queuing, while the server's replies budget is full. Only the session's reader thread
     * may call this; anyone else uses {@link #notice}.
     */
    void reply(byte[] line) {
        if (!replies.addWaiting(line, subs.now(), metrics)) return; // the session is ending
        wake();
        if (replies.overLimit()) {
            metrics.backlogPaused();
            replies.awaitRoom();
        }
    }

    /**
     * Lets a {@linkplain Sub#held held} group go once the writer has written every reply queued
     * before this call: its ring messages then follow those replies. Any thread; never waits.
     */
    void release(Sub sub) {
        replies.addRelease(sub, subs.now());
        wake();
    }

    /**
     * The session is being stopped: a reader waiting for its client's backlog must go back and see
     * the end of its input rather than wait for a client that may never read.
     */
    void releaseReader() {
        replies.releaseReader();
    }

    /**
     * Queues a line from the server itself (a shutdown or limit notice) from any thread, without
     * ever waiting: the caller may be the housekeeping thread or the shutdown sweep, which must not
     * be held up by one client's backlog. Like a reply, it goes out after the group messages
     * queued before it.
     */
    void notice(byte[] line) {
        replies.add(line, subs.now());
        wake();
    }

    /**
     * Queues a presence packet from another session's thread, never waiting; dropped (false) while
     * this client's backlog is over its limit: presence is worth less than the backlog's bound.
     */
    boolean presence(byte[] line) {
        if (replies.overLimit()) return false;
        notice(line);
        return true;
    }

    /** The client is gone or going: nothing more is worth encoding for it (a Fetch stops). */
    boolean gone() {
        return replies.stopped();
    }

    void useExtendedProtocol() {
        drain.useExtended();
    }

    boolean extended() {
        return drain.extended();
    }

    /**
     * Starts reading a group. Anything already due (history asked for with the Join) is written
     * from the caller's thread if it can be, so joining usually starts no writer thread.
     */
    void add(Sub sub) {
        subs.add(sub);
        wakeInline();
    }

    void remove(Sub sub) {
        subs.remove(sub);
    }

    /**
     * Writes everything queued until now (replies, and each group up to its current end), then
     * stops. Returns false if that did not finish within the timeout.
     */
    boolean finish(Duration timeout) throws InterruptedException {
        subs.stopAtCurrentEnd();
        finishing = true;
        wake();
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops writing for good; a writer blocked in a write is released when the transport closes. */
    void close() {
        role.close();
        finished.countDown();
        replies.close();
    }

    // ------------------------------------------------------------------ signalling

    /** Called by group senders and by the reader: there may be something to write. */
    @Override
    public void wake() {
        if (role.signal()) startWriter();
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
        // Replies waiting go first, so a sender's thread must not write group messages past them
        // (a presence packet queued just before its joiner's first post, say): the writer thread does.
        if (finishing || !sink.canTryWrite() || replies.pending()) {
            wake();
            return;
        }
        if (!role.tryAcquireInline()) {
            // A writer thread is about (left from a busy spell): it writes this, then ends rather
            // than lingers, so the next quiet send finds the role free.
            role.retireWhenParked();
            wake();
            return;
        }
        boolean handOff;
        try {
            drain.groupsOnly(inline);
            handOff = inline.leftover() || !replies.isEmpty();
        } catch (IOException | RuntimeException e) {
            handOff = true; // the writer thread meets it again and ends the session
        }
        inline.handOver(batch);
        if (!handOff && role.releaseInline()) return;
        // More to write, or a signal came meanwhile (DIRTY), or the session closed (the thread sees it and ends).
        startWriter();
    }

    private void startWriter() {
        WRITERS.newThread(this::run).start();
    }

    // ------------------------------------------------------------------ the writer thread

    private void run() {
        role.enter();
        boolean retired = false;
        try {
            while (role.begin()) {
                drain.everything(batch);
                lastActive = System.nanoTime();
                if (finishing && allWritten()) {
                    closeOnce();
                    return;
                }
                if (role.park() && (retired = lingerUntilIdle())) return;
            }
        } catch (IOException | RuntimeException e) {
            closeOnce();
            onWriteFailure.run();
        } finally {
            // A retired writer gave up its buffer before it gave up the role: by now a new writer
            // may own it. Only after CLOSED, when no writer can follow, is it let go here.
            if (!retired) batch.release();
        }
    }

    private boolean allWritten() {
        return replies.isEmpty() && subs.allRead();
    }

    private void closeOnce() {
        role.close();
        finished.countDown();
        replies.close();
    }

    /**
     * Parks until there is work or the server's housekeeping asks an idle writer to retire.
     * Returns true if the thread should end, having let go of its buffer first: a writer started
     * by a signal after the role is free must find nothing of this one in its way.
     */
    private boolean lingerUntilIdle() {
        if (!role.awaitWorkOrRetire()) return false; // work came, or the role was closed
        batch.release();
        return role.tryRetire(); // false: a signal came first, so carry on as the writer
    }

    /**
     * Housekeeping: ends the writer thread of a connection that has had nothing to write for the
     * linger time, so an idle connection holds no thread. A timed park per drain would do the same
     * but costs a timer task on every single wake; one sweep over all connections is far cheaper.
     */
    void retireIfIdle(long now) {
        if (role.isParked() && now - lastActive >= lingerNanos) role.retire();
    }

    /**
     * The client took some of the write in progress (seen by housekeeping): its deadline starts
     * again from {@code now}. Nothing if that write has ended meanwhile. Any thread.
     */
    void progressed(long now) {
        deadline.progressed(now);
    }

    /** How long the write in progress has taken nothing, or 0 if the writer is not in a write. */
    long blockedFor(long now) {
        return deadline.blockedFor(now);
    }

    /** Bytes queued for the client and not yet handed to the transport (a racy snapshot, for metrics). */
    long backlogBytes() {
        return replies.bytes() + batch.pending();
    }

    /** Group messages waiting for this client, each group counted up to its capacity. */
    long backlogMessages() {
        return subs.backlogMessages();
    }

    /** The writer role's state (IDLE, RUNNING, DIRTY, PARKED or CLOSED), for tests. */
    String roleState() {
        return role.toString();
    }
}
