package parley.bench;

/**
 * One publisher's open-loop timetable: message {@code k} is due at
 * {@code start + (k + phase) * interval}, whatever happened to the messages before it. Publishers
 * share start, warm-up end and end; each gets a phase in [0, 1) so their sends interleave evenly.
 * Times are {@link BenchClock#now} nanoseconds.
 */
record Schedule(long start, long warmupEnd, long end, double intervalNanos, double phase) {

    Schedule {
        if (!(intervalNanos > 0)) throw new IllegalArgumentException("interval must be positive");
        if (warmupEnd < start || end < warmupEnd) throw new IllegalArgumentException("start <= warm-up end <= end");
    }

    /** The schedule of publisher {@code index} of {@code publishers} sharing {@code totalRate} posts/s. */
    static Schedule of(long start, long warmupNanos, long durationNanos, double totalRate, int publishers, int index) {
        double interval = 1e9 * publishers / totalRate;
        return new Schedule(start, start + warmupNanos, start + warmupNanos + durationNanos, interval,
                (double) index / publishers);
    }

    long due(long k) {
        return start + (long) ((k + phase) * intervalNanos);
    }

    boolean measured(long intended) {
        return intended >= warmupEnd;
    }
}
