package parley.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The latency part of a report, in microseconds: count, mean, the usual percentiles, and a
 * coarse percentile distribution (value at each of a dozen percentiles, with how many samples
 * were at or below it).
 */
record LatencySummary(long count, double meanUs, double p50Us, double p90Us, double p99Us, double p999Us,
        double maxUs, long clamped, List<Row> distribution) {

    /** Percentiles of the distribution table. */
    static final double[] PERCENTILES = {0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100};

    record Row(double percentile, double valueUs, long countAtOrBelow) {}

    static LatencySummary of(LatencyRecorder r) {
        Histogram h = r.histogram();
        long n = h.getTotalCount();
        if (n == 0) return new LatencySummary(0, 0, 0, 0, 0, 0, 0, r.clamped(), List.of());
        List<Row> rows = new ArrayList<>(PERCENTILES.length);
        for (double p : PERCENTILES) {
            long v = p == 0 ? h.getMinValue() : p == 100 ? h.getMaxValue() : h.getValueAtPercentile(p);
            rows.add(new Row(p, us(v), h.getCountBetweenValues(0, v)));
        }
        return new LatencySummary(n, h.getMean() / 1000.0, us(h.getValueAtPercentile(50)),
                us(h.getValueAtPercentile(90)), us(h.getValueAtPercentile(99)), us(h.getValueAtPercentile(99.9)),
                us(h.getMaxValue()), r.clamped(), List.copyOf(rows));
    }

    private static double us(long nanos) {
        return nanos / 1000.0;
    }

    /** {@code p50 45.1us  p90 ...} on one line. */
    String oneLine() {
        return "p50 " + Fmt.micros(p50Us) + "  p90 " + Fmt.micros(p90Us) + "  p99 " + Fmt.micros(p99Us)
                + "  p99.9 " + Fmt.micros(p999Us) + "  max " + Fmt.micros(maxUs);
    }

    /** The distribution as an aligned text table, one row per percentile. */
    String table(String indent) {
        StringBuilder b = new StringBuilder();
        b.append(indent).append(String.format(Locale.ROOT, "%10s  %12s  %14s%n", "percentile", "latency", "count <="));
        for (Row row : distribution) {
            b.append(indent).append(String.format(Locale.ROOT, "%9s%%  %12s  %14d%n",
                    Fmt.percent(row.percentile()), Fmt.micros(row.valueUs()), row.countAtOrBelow()));
        }
        return b.toString();
    }

    void writeJson(JsonWriter j) {
        j.beginObject().field("count", count).field("mean_us", round1(meanUs)).field("p50_us", p50Us)
                .field("p90_us", p90Us).field("p99_us", p99Us).field("p99_9_us", p999Us).field("max_us", maxUs)
                .field("clamped", clamped);
        j.name("distribution").beginArray();
        for (Row row : distribution) {
            j.beginObject().field("percentile", row.percentile()).field("value_us", row.valueUs())
                    .field("count", row.countAtOrBelow()).endObject();
        }
        j.endArray().endObject();
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
