package parley.store;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * What the store's writer thread costs per post at a steady rate: posts of 64 characters, round
 * robin over {@code GROUPS} groups, appended at {@code RATE} a second (a millisecond's share at a
 * time) for {@code PHASES} phases of 5 s, with retention by count at {@code RETAIN} per group. Prints
 * the writer thread's CPU per post for each phase (and the posting thread's). Not a test: run with
 * {@code java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes:DEPS
 * parley.store.WriterCost DIR RATE RETAIN PHASES [GROUPS]} (DEPS from {@code mvn
 * dependency:build-classpath}).
 */
public final class WriterCost {
    private WriterCost() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rate = Integer.parseInt(args[1]);
        long retain = Long.parseLong(args[2]);
        int phases = Integer.parseInt(args[3]);
        int groups = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        StoreOptions o = StoreOptions.defaults(dir, 1000).withRetention(java.time.Duration.ofDays(30), retain, 1L << 30);
        String text = "x".repeat(64);
        try (SqliteStore s = SqliteStore.open(o)) {
            long writerId = -1;
            long seq = 0;
            for (int ph = 0; ph < phases; ph++) {
                if (writerId < 0) for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().equals("parley-store-writer")) writerId = t.threadId();
                long w0 = mx.getThreadCpuTime(writerId), m0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                long posts = rate * 5L; // 5 s a phase
                for (long i = 0; i < posts; ) {
                    long due = Math.min(posts, (System.nanoTime() - t0) * rate / 1_000_000_000L + 1);
                    for (; i < due; i++) {
                        seq++;
                        int g = (int) (seq % groups);
                        s.append("group-" + g, seq / groups + 1, System.currentTimeMillis(), "user", text, null, null);
                    }
                    LockSupport.parkNanos(1_000_000);
                }
                long w1 = mx.getThreadCpuTime(writerId), m1 = mx.getCurrentThreadCpuTime();
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("phase %d: %d posts in %.2f s; writer %.1f us/post, poster %.1f us/post; total rows so far %d%n",
                        ph, posts, secs, (w1 - w0) / 1e3 / posts, (m1 - m0) / 1e3 / posts, seq);
            }
        }
    }
}
