package parley.accounts;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Not a timed assertion: prints how long one Argon2id hash takes with the default parameters and
 * how many sign-ins a second that allows, on one hashing thread and on the pool's threads. The
 * figure quoted in docs/accounts.md comes from here ({@code mvn -o test -Dtest=HashBenchmarkTest}).
 */
@DisplayName("hash benchmark")
class HashBenchmarkTest {

    @Test
    @DisplayName("prints the time of one hash and the sign-ins a second it allows")
    void figure() throws Exception {
        PasswordHasher h = new PasswordHasher(PasswordHasher.Params.DEFAULT);
        String phc = h.hash("warm up the JIT");
        for (int i = 0; i < 5; i++) h.verify("warm up the JIT", phc);
        int n = 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) h.verify("a password", phc);
        double ms = (System.nanoTime() - t0) / 1e6 / n;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        try (HashPool pool = new HashPool(threads, HashPool.QUEUE)) {
            int total = 40;
            var done = new java.util.concurrent.CountDownLatch(total);
            long t1 = System.nanoTime();
            for (int i = 0; i < total; i++) {
                Thread.ofVirtual().start(() -> {
                    try {
                        pool.run(() -> h.verify("a password", phc));
                    } catch (HashPool.Busy ignored) {
                        // the queue holds 32; 40 at once may see it full: then they simply count
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
            double perSecond = total / ((System.nanoTime() - t1) / 1e9);
            System.out.printf("argon2id m=%d KiB t=%d p=%d: one hash %.1f ms (%.0f sign-ins/s on one thread); "
                            + "pool of %d thread(s): %.0f sign-ins/s%n",
                    h.params().memoryKiB(), h.params().iterations(), h.params().parallelism(), ms, 1000 / ms, threads,
                    perSecond);
        }
    }
}
