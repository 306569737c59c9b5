package parley.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report of an idle run: how many connections were opened, verified (received a post to
 * their group) and still open after the hold; with a server pid, the server's VmRSS before
 * connecting, after verifying and at the end, and the growth per connection, and its open-files
 * limit (as the bench found it and after the bench raised it).
 */
record IdleReport(
        BenchConfig config,
        int sourceAddresses,
        FdLimit.Limits fdLimits,
        FdLimit.ServerLimits serverFdLimits,
        int connected,
        int connectFailures,
        String firstConnectFailure,
        double connectSeconds,
        int verified,
        int openAtEnd,
        int disconnects,
        long errors,
        String lastError,
        long malformed,
        String lastMalformed,
        long helperErrors,
        String helperLastError,
        long rssBeforeKb,
        long rssAfterKb,
        long rssEndKb,
        boolean aborted) implements Report {

    /** Server RSS growth per connection in bytes, after verifying; -1 without RSS readings. */
    long rssPerConnectionBytes() {
        return perConnection(rssAfterKb);
    }

    long rssPerConnectionEndBytes() {
        return perConnection(rssEndKb);
    }

    private long perConnection(long kb) {
        if (rssBeforeKb <= 0 || kb <= 0 || connected == 0) return -1;
        return Math.round((kb - rssBeforeKb) * 1024.0 / connected);
    }

    @Override
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        int wanted = config.connections();
        if (connected < wanted) {
            p.add((wanted - connected) + " connections could not be opened"
                    + (firstConnectFailure == null ? "" : " (" + firstConnectFailure + ")"));
        }
        if (verified < connected) p.add((connected - verified) + " connections never received the verification post");
        if (openAtEnd < connected) p.add((connected - openAtEnd) + " connections closed during the hold");
        if (errors > 0) p.add(errors + " error replies (last: " + lastError + ")");
        if (malformed > 0) p.add(malformed + " malformed reply lines (last: " + lastMalformed + ")");
        if (config.serverPid() > 0 && (rssBeforeKb < 0 || rssAfterKb < 0)) {
            p.add("could not read /proc/" + config.serverPid() + "/status");
        }
        FdLimit.ServerLimits s = serverFdLimits;
        if (s != null && s.after() != null && !s.enough()) {
            p.add("the server's open-files limit (" + limit(s.after().soft()) + ") is below the " + s.minimum()
                    + " descriptors these connections need; raise it (e.g. `prlimit --pid " + s.pid() + " --nofile="
                    + s.wanted() + ":" + s.wanted() + "` as root)");
        }
        if (aborted) p.add("aborted by the watchdog");
        return p;
    }

    @Override
    public String summary() {
        List<String> p = problems();
        String head = Fmt.count(verified) + "/" + Fmt.count(config.connections()) + " connections verified and held "
                + Fmt.seconds(config.hold()) + (rssPerConnectionBytes() >= 0 ? ", " + rssPerConnectionBytes()
                + " bytes of server RSS each" : "");
        return "done: " + head + (p.isEmpty() ? ", clean" : "; " + String.join("; ", p));
    }

    @Override
    public String text() {
        BenchConfig c = config;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "parley bench: idle over %s against %s%n", LoadReport.transportText(c),
                LoadReport.hostPort(c)));
        b.append(String.format(Locale.ROOT, "  %,d connections over %d groups, held %s%n", c.connections(), c.groups(),
                Fmt.seconds(c.hold())));
        b.append(String.format(Locale.ROOT, "  %-18s %,d/%,d in %.2fs%s%n", "connected", connected, c.connections(),
                connectSeconds, sourceAddresses > 1 ? " from " + sourceAddresses + " source addresses" : ""));
        b.append(String.format(Locale.ROOT, "  %-18s %,d received a post to their group%n", "verified", verified));
        if (helperErrors > 0) {
            // Some are expected (a post that races ahead of its group's first join is refused), so
            // they are shown, not counted as problems; unverified connections are.
            b.append(String.format(Locale.ROOT, "  %-18s %,d error replies to the verification posts (last: %s)%n",
                    "helper", helperErrors, helperLastError));
        }
        b.append(String.format(Locale.ROOT, "  %-18s %,d open, %d disconnected%n", "after the hold", openAtEnd, disconnects));
        if (fdLimits != null) {
            b.append(String.format(Locale.ROOT, "  %-18s soft %s, hard %s%n", "bench open files", limit(fdLimits.soft()),
                    limit(fdLimits.hard())));
        }
        if (serverFdLimits != null && serverFdLimits.after() != null) {
            FdLimit.ServerLimits s = serverFdLimits;
            b.append(String.format(Locale.ROOT, "  %-18s soft %s, hard %s%s%n", "server open files",
                    limit(s.after().soft()), limit(s.after().hard()),
                    s.raised() ? " (raised from " + limit(s.before().soft()) + ")" : ""));
        }
        if (c.serverPid() > 0) {
            b.append(String.format(Locale.ROOT, "  %-18s before %,d KiB, after verifying %,d KiB, at the end %,d KiB%n",
                    "server VmRSS", rssBeforeKb, rssAfterKb, rssEndKb));
            b.append(String.format(Locale.ROOT, "  %-18s %,d bytes after verifying, %,d bytes at the end%n",
                    "RSS per connection", rssPerConnectionBytes(), rssPerConnectionEndBytes()));
        }
        appendResult(b);
        return b.toString();
    }

    @Override
    public String json() {
        BenchConfig c = config;
        JsonWriter j = new JsonWriter().beginObject()
                .field("scenario", "idle").field("transport", c.transport().label())
                .field("target", LoadReport.hostPort(c))
                .field("conns", c.connections()).field("groups", c.groups()).field("hold_s", c.hold().toMillis() / 1000.0)
                .field("source_addresses", sourceAddresses)
                .field("connected", connected).field("connect_s", Math.round(connectSeconds * 1000) / 1000.0)
                .field("verified", verified).field("open_at_end", openAtEnd).field("disconnects", disconnects)
                .field("errors", errors).field("malformed", malformed).field("helper_errors", helperErrors);
        if (c.transport() == Transport.Kind.WS) j.field("http_target", LoadReport.hostPort(c.httpFor(c.target())));
        if (helperLastError != null) j.field("helper_last_error", helperLastError);
        if (fdLimits != null) {
            j.field("fd_soft_limit", jsonLimit(fdLimits.soft())).field("fd_hard_limit", jsonLimit(fdLimits.hard()));
        }
        if (serverFdLimits != null && serverFdLimits.after() != null) {
            FdLimit.ServerLimits s = serverFdLimits;
            j.field("server_fd_soft_limit", jsonLimit(s.after().soft()))
                    .field("server_fd_hard_limit", jsonLimit(s.after().hard()))
                    .field("server_fd_soft_limit_before", jsonLimit(s.before().soft()));
        }
        if (c.serverPid() > 0) {
            j.field("server_pid", c.serverPid()).field("server_rss_before_kb", rssBeforeKb)
                    .field("server_rss_after_kb", rssAfterKb).field("server_rss_end_kb", rssEndKb)
                    .field("rss_per_conn_bytes", rssPerConnectionBytes())
                    .field("rss_per_conn_end_bytes", rssPerConnectionEndBytes());
        }
        j.field("clean", clean()).name("problems").beginArray();
        for (String s : problems()) j.value(s);
        return j.endArray().endObject().toString();
    }

    private static long jsonLimit(long v) {
        return v == FdLimit.UNLIMITED ? -1 : v;
    }

    private static String limit(long v) {
        return v == FdLimit.UNLIMITED ? "unlimited" : String.format(Locale.ROOT, "%,d", v);
    }
}
