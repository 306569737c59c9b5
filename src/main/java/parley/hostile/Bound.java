package parley.hostile;

import java.time.Duration;

/** The end of an attack's time: every loop of an attack checks it as well as its count. */
record Bound(long endNanos) {
    static Bound of(Duration d) {
        return new Bound(System.nanoTime() + d.toNanos());
    }

    boolean open() {
        return System.nanoTime() < endNanos;
    }

    long leftMillis() {
        return Math.max(0, (endNanos - System.nanoTime()) / 1_000_000);
    }

    /** Sleeps until the end (the attacker holds what it has). */
    void hold() {
        while (open()) Probe.pause(Math.min(100, Math.max(1, leftMillis())));
    }
}
