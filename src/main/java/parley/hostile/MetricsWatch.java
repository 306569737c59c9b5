package parley.hostile;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads {@code /metrics} every 250 ms while an attack holds, keeping each named figure's highest
 * value and its first and last; nothing without an HTTP side.
 */
final class MetricsWatch implements AutoCloseable {
    private final InetSocketAddress http;
    private final List<String> names;
    private final Map<String, Double> peak = new ConcurrentHashMap<>();
    private final Map<String, Double> first = new ConcurrentHashMap<>();
    private final Map<String, Double> last = new ConcurrentHashMap<>();
    private volatile boolean watching = true;
    private final Thread thread;

    MetricsWatch(InetSocketAddress http, String... names) {
        this.http = http;
        this.names = List.of(names);
        sample(); // before the attack
        this.thread = http == null ? null : Thread.ofVirtual().name("metrics-watch").start(this::loop);
    }

    private void loop() {
        while (watching) {
            Probe.pause(250);
            sample();
        }
    }

    private void sample() {
        Map<String, Double> m = Http.metrics(http);
        for (String n : names) {
            Double v = m.get(n);
            if (v == null) continue;
            first.putIfAbsent(n, v);
            last.put(n, v);
            peak.merge(n, v, Math::max);
        }
    }

    boolean available() {
        return !first.isEmpty();
    }

    double peak(String name) {
        return peak.getOrDefault(name, -1.0);
    }

    /** How much a counter grew while watched; -1 when it was not read. */
    double growth(String name) {
        if (!first.containsKey(name)) return -1;
        return last.getOrDefault(name, 0.0) - first.getOrDefault(name, 0.0);
    }

    @Override
    public void close() throws InterruptedException {
        watching = false;
        if (thread != null) thread.join(15_000);
        sample();
    }

    /** A figure for the report: "?" when it was not read (no /metrics). */
    static String n(double value) {
        return value < 0 ? "?" : Long.toString((long) value);
    }

    /** The {@code parley_budget_*} figure of one budget. */
    static String budget(String figure, String budget) {
        return "parley_budget_" + figure + "{budget=\"" + budget + "\"}";
    }
}
