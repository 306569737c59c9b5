package parley.store;

import java.nio.file.Path;

/**
 * Fills a store for the open-time benchmark (bench/store-open.sh): {@code MESSAGES} posts of about
 * 100 bytes round-robin over {@code GROUPS} groups, through the store's own writer, then a clean
 * close. Not a test: run with {@code java -cp target/classes:target/test-classes:SQLITE_JAR
 * parley.store.FillStore DIR [MESSAGES] [GROUPS]}.
 */
public final class FillStore {
    private FillStore() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long messages = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        int groups = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        String text = "x".repeat(100);
        long t0 = System.nanoTime();
        StoreOptions o = StoreOptions.defaults(dir, 1000).withRetention(java.time.Duration.ZERO, 1_000_000, 0);
        try (SqliteStore s = SqliteStore.open(o)) {
            long now = System.currentTimeMillis();
            for (long i = 0; i < messages; i++) {
                int g = (int) (i % groups);
                s.append("group-" + g, i / groups + 1, now, "user" + g, text, "id" + i, null);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("filled %s: %d messages over %d groups in %.1f s (%.0f posts/s)%n", dir, messages, groups,
                secs, messages / secs);
    }
}
