package parley.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report of a fan-out or groups run. Deliveries expected = each measured post times the
 * subscribers connected to its group; lost = expected - received. Lag notices are the server's
 * own account of messages it dropped for slow subscribers; the sequence check is the bench's
 * independent one (its "missing" also covers warm-up messages). CPU is the bench's and (with
 * {@code --server-pid}) the server's over the measured window, also per delivery, so that the
 * server's cost on each transport can be told from the harness's. {@code latencyDetail} is the
 * whole histogram, for the plot.
 */
record LoadReport(
        BenchConfig config,
        int sourceAddresses,
        int subscribersConnected,
        int subscribersReady,
        int connectFailures,
        String firstConnectFailure,
        long postsSent,
        long warmupPostsSent,
        long deliveriesExpected,
        long deliveriesReceived,
        long lagNotices,
        long droppedTotal,
        long seqMissing,
        long seqDuplicated,
        long seqReordered,
        long errors,
        String lastError,
        long malformed,
        String lastMalformed,
        long publisherErrors,
        String publisherLastError,
        List<String> publisherFailures,
        int disconnects,
        LatencySummary latency,
        LatencySummary sendLateness,
        CpuUse cpu,
        LatencyRecorder latencyDetail) implements Report {

    /** The bench's CPU per delivery received, in microseconds, or -1. */
    double benchCpuPerDeliveryUs() {
        return CpuUse.perDelivery(cpu.benchSeconds(), deliveriesReceived);
    }

    /** The server's CPU per delivery received, in microseconds, or -1 without its process id. */
    double serverCpuPerDeliveryUs() {
        return CpuUse.perDelivery(cpu.serverSeconds(), deliveriesReceived);
    }

    long lost() {
        return deliveriesExpected - deliveriesReceived;
    }

    double seconds() {
        return config.duration().toNanos() / 1e9;
    }

    double postsPerSecond() {
        return postsSent / seconds();
    }

    double deliveriesPerSecond() {
        return deliveriesReceived / seconds();
    }

    long subscribersWanted() {
        return config.subscribers();
    }

    @Override
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (subscribersConnected < subscribersWanted()) {
            p.add((subscribersWanted() - subscribersConnected) + " subscribers could not connect"
                    + (firstConnectFailure == null ? "" : " (" + firstConnectFailure + ")"));
        }
        if (subscribersReady < subscribersConnected) {
            p.add((subscribersConnected - subscribersReady) + " subscribers never received a readiness post");
        }
        if (lost() > 0) {
            p.add(lost() + " deliveries lost" + (lagNotices > 0 ? " (" + lagNotices + " lag notices reported "
                    + droppedTotal + " messages dropped, warm-up included)" : ""));
        }
        if (lost() < 0) p.add((-lost()) + " more deliveries than expected");
        if (seqDuplicated > 0) p.add(seqDuplicated + " duplicated messages");
        if (seqReordered > 0) p.add(seqReordered + " reordered messages");
        if (errors > 0) p.add(errors + " error replies to subscribers (last: " + lastError + ")");
        if (malformed > 0) p.add(malformed + " malformed reply lines (last: " + lastMalformed + ")");
        if (publisherErrors > 0) p.add(publisherErrors + " error replies to publishers (last: " + publisherLastError + ")");
        p.addAll(publisherFailures);
        if (disconnects > 0) p.add(disconnects + " subscribers disconnected");
        if (postsSent + config.publishers() < 0.95 * config.rate() * seconds()) {
            p.add(String.format(Locale.ROOT, "publishers fell behind: %.1f posts/s sent of %.0f/s asked",
                    postsPerSecond(), config.rate()));
        }
        return p;
    }

    @Override
    public String summary() {
        List<String> p = problems();
        String head = Fmt.count(deliveriesReceived) + " deliveries (" + Fmt.rate(deliveriesPerSecond()) + "), p99 "
                + Fmt.micros(latency.p99Us());
        return p.isEmpty() ? "done: " + head + ", clean" : "done: " + head + "; " + String.join("; ", p);
    }

    @Override
    public String text() {
        BenchConfig c = config;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "parley bench: %s over %s against %s%n", c.scenario().label(),
                transportText(c), hostPort(c)));
        b.append(String.format(Locale.ROOT, "  %d group%s x %d subscribers, %d publisher%s, %d-byte messages, "
                        + "%.0f posts/s asked, %s warm-up + %s measured%n",
                c.groups(), c.groups() == 1 ? "" : "s", c.subsPerGroup(), c.publishers(),
                c.publishers() == 1 ? "" : "s", c.size(), c.rate(), Fmt.seconds(c.warmup()), Fmt.seconds(c.duration())));
        b.append(String.format(Locale.ROOT, "  %-18s %d/%d connected, %d ready%s%n", "subscribers",
                subscribersConnected, subscribersWanted(), subscribersReady,
                sourceAddresses > 1 ? " (" + sourceAddresses + " source addresses)" : ""));
        b.append(String.format(Locale.ROOT, "  %-18s %d measured (%s), %d warm-up%n", "posts sent", postsSent,
                Fmt.rate(postsPerSecond()), warmupPostsSent));
        b.append(String.format(Locale.ROOT, "  %-18s expected %d, received %d, lost %d%n", "deliveries",
                deliveriesExpected, deliveriesReceived, lost()));
        b.append(String.format(Locale.ROOT, "  %-18s %d (%d messages dropped)%n", "lag notices", lagNotices, droppedTotal));
        b.append(String.format(Locale.ROOT, "  %-18s missing %d, duplicated %d, reordered %d%n", "sequence check",
                seqMissing, seqDuplicated, seqReordered));
        b.append(String.format(Locale.ROOT, "  %-18s %.1f posts/s, %.1f deliveries/s%n", "throughput",
                postsPerSecond(), deliveriesPerSecond()));
        b.append(String.format(Locale.ROOT, "  %-18s %s  (mean %s, n=%d)%n", "latency", latency.oneLine(),
                Fmt.micros(latency.meanUs()), latency.count()));
        b.append(String.format(Locale.ROOT, "  %-18s p99 %s  max %s (how late publishers sent vs schedule)%n",
                "send lateness", Fmt.micros(sendLateness.p99Us()), Fmt.micros(sendLateness.maxUs())));
        b.append(cpuLine("bench CPU", cpu.benchSeconds(), cpu.benchCores(), benchCpuPerDeliveryUs()));
        if (c.serverPid() > 0) {
            b.append(cpuLine("server CPU", cpu.serverSeconds(), cpu.serverCores(), serverCpuPerDeliveryUs()));
        }
        if (latency.count() > 0) {
            b.append(String.format("%n  latency distribution (from intended send time to receipt):%n"));
            b.append(latency.table("    "));
        }
        appendResult(b);
        return b.toString();
    }

    private static String cpuLine(String what, double seconds, double cores, double perDelivery) {
        if (seconds < 0) return String.format(Locale.ROOT, "  %-18s not measured%n", what);
        return String.format(Locale.ROOT, "  %-18s %.2fs over the measured window (%.2f cores), %.2fus per delivery%n",
                what, seconds, cores, perDelivery);
    }

    @Override
    public String json() {
        BenchConfig c = config;
        JsonWriter j = new JsonWriter().beginObject()
                .field("scenario", c.scenario().label()).field("transport", c.transport().label())
                .field("target", hostPort(c))
                .field("groups", c.groups()).field("subs_per_group", c.subsPerGroup())
                .field("publishers", c.publishers()).field("rate_target", c.rate()).field("size", c.size())
                .field("warmup_s", c.warmup().toMillis() / 1000.0).field("duration_s", seconds())
                .field("io_threads", c.ioThreads()).field("source_addresses", sourceAddresses)
                .field("subscribers_connected", subscribersConnected).field("subscribers_ready", subscribersReady)
                .field("posts_sent", postsSent).field("warmup_posts_sent", warmupPostsSent)
                .field("deliveries_expected", deliveriesExpected).field("deliveries_received", deliveriesReceived)
                .field("lost", lost()).field("lag_notices", lagNotices).field("dropped_total", droppedTotal)
                .field("seq_missing", seqMissing).field("seq_duplicated", seqDuplicated)
                .field("seq_reordered", seqReordered).field("errors", errors).field("malformed", malformed)
                .field("publisher_errors", publisherErrors).field("disconnects", disconnects)
                .field("posts_per_s", round1(postsPerSecond())).field("deliveries_per_s", round1(deliveriesPerSecond()));
        if (c.transport() == Transport.Kind.WS) j.field("http_target", hostPort(c.httpFor(c.target())));
        j.name("latency");
        latency.writeJson(j);
        j.field("send_lateness_p99_us", sendLateness.p99Us()).field("send_lateness_max_us", sendLateness.maxUs());
        j.field("bench_cpu_s", round3(cpu.benchSeconds())).field("bench_cores", round3(cpu.benchCores()))
                .field("bench_cpu_us_per_delivery", round3(benchCpuPerDeliveryUs()));
        if (c.serverPid() > 0) {
            j.field("server_cpu_s", round3(cpu.serverSeconds())).field("server_cores", round3(cpu.serverCores()))
                    .field("server_cpu_us_per_delivery", round3(serverCpuPerDeliveryUs()));
        }
        j.field("clean", clean()).name("problems").beginArray();
        for (String s : problems()) j.value(s);
        return j.endArray().endObject().toString();
    }

    /** The transport as the reports name it: {@code tcp}, {@code tls}, or {@code ws} with the address it used. */
    static String transportText(BenchConfig c) {
        if (c.transport() != Transport.Kind.WS) return c.transport().label();
        return "ws (" + hostPort(c.httpFor(c.target())) + "/ws)";
    }

    static String hostPort(BenchConfig c) {
        return hostPort(c.target());
    }

    static String hostPort(java.net.InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }


    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
