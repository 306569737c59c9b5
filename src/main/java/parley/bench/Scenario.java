package parley.bench;

import java.time.Duration;

/** The workloads {@code parley bench} runs, each with its defaults. */
enum Scenario {
    /** One busy group: 1 group x 100 subscribers, 1 publisher, 1000 posts/s for 10 s. */
    FANOUT(1, 100, 1, 1000),
    /** Many groups at once: 100 groups x 10 subscribers, 4 publishers, 2000 posts/s for 10 s. */
    GROUPS(100, 10, 4, 2000),
    /** Many quiet connections: 5000 connections over 100 groups, each verified, held 15 s. */
    IDLE(100, 0, 0, 0);

    static final int DEFAULT_SIZE = 64;
    static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
    static final Duration DEFAULT_WARMUP = Duration.ofSeconds(2);
    static final int DEFAULT_IDLE_CONNECTIONS = 5000;
    static final Duration DEFAULT_HOLD = Duration.ofSeconds(15);

    final int groups;
    final int subsPerGroup;
    final int publishers;
    final double rate;

    Scenario(int groups, int subsPerGroup, int publishers, double rate) {
        this.groups = groups;
        this.subsPerGroup = subsPerGroup;
        this.publishers = publishers;
        this.rate = rate;
    }

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
