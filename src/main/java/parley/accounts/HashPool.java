package parley.accounts;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The few platform threads that hash passwords, with a bounded queue: a flood of sign-ins costs
 * the chat at most these threads' CPU (half the cores, at least one), and one more than the
 * queue holds is refused at once ({@link Busy}) instead of waiting. The connection's reader waits
 * for its own hash, so its requests stay in order; other connections' readers never wait for it.
 */
public final class HashPool implements AutoCloseable {
    /** Sign-ins that may wait for a hashing thread; one more is told "server busy". */
    public static final int QUEUE = 32;

    /** The pool's queue is full. */
    public static final class Busy extends Exception {
        Busy() {
            super("hashing pool full", null, false, false);
        }
    }

    private final ThreadPoolExecutor pool;

    public HashPool() {
        this(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), QUEUE);
    }

    public HashPool(int threads, int queue) {
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                Thread.ofPlatform().name("parley-hash-", 0).daemon().factory());
        pool.allowCoreThreadTimeOut(true); // a server that nobody signs in to keeps no hashing thread
    }

    /** Runs {@code work} on a hashing thread and waits for it; {@link Busy} if the queue is full. */
    public <T> T run(Callable<T> work) throws Busy {
        Future<T> f;
        try {
            f = pool.submit(work);
        } catch (RejectedExecutionException e) {
            throw new Busy();
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new Busy();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
