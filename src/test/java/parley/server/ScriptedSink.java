package parley.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Sink} whose behaviour a test scripts: what a non-blocking {@link #tryWrite} takes, a
 * blocking {@link #write} that waits at a gate (taking its bytes in steps, reporting progress), or
 * one that throws. Records every byte written, in order, and which threads wrote.
 */
final class ScriptedSink implements Sink {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    /** Whether the sink offers the non-blocking write (a sender may then write inline). */
    volatile boolean canTry;
    /** Bytes one tryWrite takes at most: 0 takes nothing (returns 0), -1 refuses (returns -1). */
    volatile int tryTakes = Integer.MAX_VALUE;
    /** A blocking write takes this many bytes per step, calling the progress callback between steps. */
    volatile int step = Integer.MAX_VALUE;
    /** When closed (held), every step of a blocking write waits for a permit. */
    private volatile Semaphore gate;
    /** The next blocking write throws this instead of writing. */
    volatile IOException failNext;
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger tryWrites = new AtomicInteger();
    final AtomicInteger idles = new AtomicInteger();
    /** Counted down each time a blocking write starts waiting at the gate. */
    volatile CountDownLatch waiting = new CountDownLatch(1);
    volatile Thread lastWriter;
    /** The array the last write or tryWrite was given (to see a line written from where it is). */
    volatile byte[] lastArray;
    volatile Thread lastTryWriter;
    volatile boolean closed;
    private Runnable progress = () -> {};

    /** Blocking writes wait at the gate from now on, until {@link #open} or {@link #allow}. */
    void hold() {
        gate = new Semaphore(0);
    }

    /** Lets {@code steps} more steps of blocking writes through. */
    void allow(int steps) {
        gate.release(steps);
    }

    /** Blocking writes go through from now on (a waiting one too). */
    void open() {
        Semaphore g = gate;
        gate = null;
        if (g != null) g.release(Integer.MAX_VALUE / 2);
    }

    @Override
    public void onProgress(Runnable progressed) {
        this.progress = progressed;
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        lastWriter = Thread.currentThread();
        lastArray = buf;
        writes.incrementAndGet();
        IOException fail = failNext;
        if (fail != null) {
            failNext = null;
            throw fail;
        }
        int done = 0;
        while (done < len) {
            if (done > 0) progress.run();
            passGate();
            if (closed) throw new IOException("closed");
            int n = Math.min(step, len - done);
            append(buf, off + done, n);
            done += n;
        }
    }

    private void passGate() throws IOException {
        Semaphore g = gate;
        if (g == null) return;
        waiting.countDown();
        try {
            while (!g.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                if (closed) throw new IOException("closed while blocked");
                if (gate == null) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public boolean canTryWrite() {
        return canTry;
    }

    @Override
    public long tryWrite(byte[] buf, int off, int len) {
        lastTryWriter = Thread.currentThread();
        lastArray = buf;
        tryWrites.incrementAndGet();
        int takes = tryTakes;
        if (takes < 0) return -1;
        int n = Math.min(takes, len);
        append(buf, off, n);
        return n;
    }

    @Override
    public void idle() {
        idles.incrementAndGet();
    }

    @Override
    public void close() {
        closed = true;
    }

    private synchronized void append(byte[] buf, int off, int len) {
        out.write(buf, off, len);
    }

    synchronized String text() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
