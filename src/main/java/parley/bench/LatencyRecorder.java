package parley.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Latencies in nanoseconds, in an HdrHistogram with three significant digits from 1 ns to 60 s.
 * Longer values are recorded as 60 s and counted as clamped. One thread records into each
 * recorder; recorders are merged for the report once their threads have stopped.
 */
final class LatencyRecorder {
    static final long HIGHEST = TimeUnit.SECONDS.toNanos(60);

    private final Histogram histogram = new Histogram(HIGHEST, 3);
    private long clamped;

    void record(long nanos) {
        if (nanos < 0) nanos = 0;
        if (nanos > HIGHEST) {
            nanos = HIGHEST;
            clamped++;
        }
        histogram.recordValue(nanos);
    }

    void add(LatencyRecorder other) {
        histogram.add(other.histogram);
        clamped += other.clamped;
    }

    Histogram histogram() {
        return histogram;
    }

    long count() {
        return histogram.getTotalCount();
    }

    long clamped() {
        return clamped;
    }
}
