package parley.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.helidon.webserver.http.HttpRouting;
import java.util.function.ToDoubleFunction;
import parley.budget.MemoryBudget;
import parley.net.ChatServer;
import parley.server.Chat;
import parley.server.Metrics;
import parley.server.Store;

/**
 * {@code /metrics} in the Prometheus text format. The server counts in plain LongAdders
 * ({@link Metrics}); this class only reads them when scraped, through Micrometer function
 * counters and gauges, so the metrics library is nowhere on the data path. Names, as scraped:
 *
 * <pre>
 * parley_connections                      gauge   open connections (all transports)
 * parley_connections_opened_total         counter connections accepted, refused ones included
 * parley_connections_closed_total{reason} counter client, error, shutdown, max_connections, max_line,
 *                                                 write_deadline, auth_failed, auth_timeout, tls_handshake,
 *                                                 read_idle
 * parley_connections_idle                 gauge   connections waiting for input without a reader thread
 * parley_groups, parley_members           gauge   groups, and memberships over all groups
 * parley_posts_total                      counter posts accepted and sent to a group
 * parley_presence_total                   counter Joined and Left packets queued for members
 * parley_presence_missed_total            counter presence packets not queued: the member's backlog was full
 * parley_posts_resent_total               counter posts whose id was seen within the dedup window (not delivered again)
 * parley_deliveries_total                 counter group messages written to members
 * parley_writes_total                     counter write batches (deliveries / writes = coalescing)
 * parley_received_bytes_total             counter request bytes read
 * parley_sent_bytes_total                 counter bytes written to clients
 * parley_lag_notices_total                counter "Dropped N messages" notices sent
 * parley_messages_dropped_total           counter the N of those notices, summed
 * parley_errors_total{kind}               counter Error packets sent, by kind (ErrorKind)
 * parley_moderation_actions_total{kind}   counter moderation changes made, by event kind (op, ban, ...)
 * parley_moderation_refusals_total        counter moderation requests, Joins and Posts refused by moderation
 * parley_moderation_suspensions_total     counter accounts suspended by admins
 * parley_write_backlog_bytes              gauge   bytes queued for clients, not yet written
 * parley_write_backlog_messages           gauge   group messages members have yet to be sent
 * parley_backlog_pauses_total             counter reads paused by a full reply backlog
 * parley_budget_used_bytes{budget}        gauge   bytes a memory budget lends now: lines, replies, rings, fragments, reads
 * parley_budget_limit_bytes{budget}       gauge   the most bytes that budget lends at once (its share of --max-memory)
 * parley_budget_refusals_total{budget}    counter reservations that budget refused (they would have exceeded it)
 * parley_accept_failures_total            counter failed accepts on the chat port (out of descriptors)
 * parley_max_connections                  gauge   the connection limit in force (after the open-files check)
 * parley_http_max_connections             gauge   the HTTP connection limit in force
 * parley_http_restarts_total              counter times the HTTP listener died and was started again
 * parley_http_header_timeouts_total       counter HTTP requests closed: headers not whole within the timeout
 * parley_store_posts_stored_total         counter posts the store committed (only with a store: --data)
 * parley_store_posts_failed_total         counter posts whose batch could not be committed (told so)
 * parley_store_batches_total              counter committed batches (posts stored / batches = mean size)
 * parley_store_batch_largest              gauge   the most posts one batch committed
 * parley_store_commit_seconds_total       counter time spent committing batches (/ batches = mean latency)
 * parley_store_queue_depth                gauge   posts waiting for the store's writer
 * parley_store_queue_capacity             gauge   the writer's queue limit; a full queue makes posters wait
 * parley_store_disk_bytes                 gauge   the database file and its write-ahead log
 * parley_store_retention_deleted_total    counter messages deleted by retention
 * parley_store_errors_total{kind}         counter disk_full, corrupt, busy, io, other
 * parley_store_replaced_corrupt           gauge   1 if a corrupt database was moved aside at start
 * </pre>
 * plus the JVM's memory, threads, CPU and uptime.
 */
final class MetricsRoutes implements HttpFrontend.Routes {
    /** The Prometheus text exposition format, version 0.0.4: what every scraper reads. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    MetricsRoutes(ChatServer chat, HeaderTimeout headers) {
        bind(registry, chat);
        counter(registry, "parley.http.header.timeouts", null,
                "HTTP requests closed because their headers did not arrive within the timeout", headers,
                HeaderTimeout::closed);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    @Override
    public void accept(HttpRouting.Builder routing) {
        routing.get("/metrics", (req, res) -> {
            res.header("Content-Type", CONTENT_TYPE);
            res.send(registry.scrape());
        });
    }

    static void bind(MeterRegistry r, ChatServer chat) {
        Metrics m = chat.metrics();
        gauge(r, "parley.connections", null, "open connections, all transports", chat, ChatServer::connectionCount);
        gauge(r, "parley.connections.idle", null, "connections waiting for input without a reader thread", chat,
                ChatServer::idleConnectionCount);
        gauge(r, "parley.groups", null, "groups", chat, c -> c.groups().size());
        gauge(r, "parley.members", null, "group memberships, over all groups", chat.chat(), Chat::memberCount);
        gauge(r, "parley.write.backlog", "bytes", "bytes queued for clients and not yet written", chat.chat(),
                Chat::writeBacklogBytes);
        gauge(r, "parley.write.backlog.messages", null, "group messages members have yet to be sent", chat.chat(),
                Chat::writeBacklogMessages);

        for (MemoryBudget b : chat.chat().budgets().all()) {
            Gauge.builder("parley.budget.used", b, MemoryBudget::used).baseUnit("bytes")
                    .description("bytes a memory budget lends now").tag("budget", b.name()).register(r);
            Gauge.builder("parley.budget.limit", b, x -> (double) x.limit()).baseUnit("bytes")
                    .description("the most bytes a memory budget lends at once").tag("budget", b.name()).register(r);
            FunctionCounter.builder("parley.budget.refusals", b, MemoryBudget::refusals)
                    .description("work refused because it would have exceeded a memory budget")
                    .tag("budget", b.name()).register(r);
        }

        counter(r, "parley.connections.opened", null, "connections accepted, refused ones included", m,
                Metrics::connectionsOpened);
        counter(r, "parley.posts", null, "posts accepted and sent to a group", m, Metrics::postsIn);
        counter(r, "parley.presence", null, "Joined and Left packets queued for members", m, Metrics::presenceSent);
        counter(r, "parley.presence.missed", null, "presence packets not queued: the member's backlog was over its limit",
                m, Metrics::presenceMissed);
        counter(r, "parley.posts.resent", null, "posts whose id was seen within the dedup window, not delivered again",
                m, Metrics::postsResent);
        counter(r, "parley.deliveries", null, "group messages written to members", m, Metrics::deliveries);
        counter(r, "parley.writes", null, "write batches handed to transports", m, Metrics::writes);
        counter(r, "parley.received", "bytes", "request bytes read", m, Metrics::bytesIn);
        counter(r, "parley.sent", "bytes", "bytes written to clients", m, Metrics::bytesOut);
        counter(r, "parley.lag.notices", null, "Dropped N messages notices sent", m, Metrics::lagNotices);
        counter(r, "parley.messages.dropped", null, "messages lagging members missed", m, Metrics::messagesDropped);
        counter(r, "parley.backlog.pauses", null, "reads paused by a full reply backlog", m, Metrics::backlogPauses);
        counter(r, "parley.accept.failures", null, "failed accepts on the chat port", m, Metrics::acceptFailures);
        counter(r, "parley.http.restarts", null, "times the HTTP listener died and was started again", m,
                Metrics::httpRestarts);
        gauge(r, "parley.max.connections", null, "the connection limit in force", chat, c -> c.chat().maxConnections());
        gauge(r, "parley.http.max.connections", null, "the HTTP connection limit in force", chat,
                c -> c.config().maxHttpConnections());
        bindStore(r, chat.groups().store());
        for (Metrics.ErrorKind k : Metrics.ErrorKind.values()) {
            FunctionCounter.builder("parley.errors", m, x -> x.errors(k))
                    .description("Error packets sent, by kind").tag("kind", k.label()).register(r);
        }
        for (parley.moderation.Kind k : parley.moderation.Kind.values()) {
            FunctionCounter.builder("parley.moderation.actions", m, x -> x.moderationActions(k))
                    .description("moderation changes made, by kind").tag("kind", k.wire()).register(r);
        }
        counter(r, "parley.moderation.refusals", null, "moderation requests, Joins and Posts refused by moderation", m,
                Metrics::moderationRefusals);
        counter(r, "parley.moderation.suspensions", null, "accounts suspended by admins", m, Metrics::suspensions);
        for (Metrics.CloseReason why : Metrics.CloseReason.values()) {
            FunctionCounter.builder("parley.connections.closed", m, x -> x.closed(why))
                    .description("connections closed, by reason").tag("reason", why.label()).register(r);
        }
    }

    /** The store's counters, read from one {@link Store.Stats} per meter when scraped; nothing without a store. */
    static void bindStore(MeterRegistry r, Store store) {
        if (store.stats() == null) return;
        counter(r, "parley.store.posts.stored", null, "posts the store committed", store, s -> s.stats().postsStored());
        counter(r, "parley.store.posts.failed", null, "posts whose batch could not be committed", store,
                s -> s.stats().postsFailed());
        counter(r, "parley.store.batches", null, "batches the store committed", store, s -> s.stats().batches());
        gauge(r, "parley.store.batch.largest", null, "the most posts one batch committed", store,
                s -> s.stats().largestBatch());
        counter(r, "parley.store.commit", "seconds", "time spent committing batches", store,
                s -> s.stats().commitNanos() / 1e9);
        gauge(r, "parley.store.queue.depth", null, "posts waiting for the store's writer", store,
                s -> s.stats().queueDepth());
        gauge(r, "parley.store.queue.capacity", null, "the store writer's queue limit", store,
                s -> s.stats().queueCapacity());
        gauge(r, "parley.store.disk", "bytes", "the database file and its write-ahead log", store,
                s -> s.stats().bytesOnDisk());
        counter(r, "parley.store.retention.deleted", null, "messages deleted by retention", store,
                s -> s.stats().retentionDeleted());
        gauge(r, "parley.store.replaced.corrupt", null, "1 if a corrupt database was moved aside at start", store,
                s -> s.stats().replacedCorrupt());
        for (int i = 0; i < Store.Stats.ERROR_KINDS.size(); i++) {
            int kind = i;
            FunctionCounter.builder("parley.store.errors", store, s -> s.stats().errors().get(kind))
                    .description("store errors, by kind").tag("kind", Store.Stats.ERROR_KINDS.get(i)).register(r);
        }
    }

    private static <T> void gauge(MeterRegistry r, String name, String unit, String help, T obj, ToDoubleFunction<T> f) {
        Gauge.builder(name, obj, f).description(help).baseUnit(unit).strongReference(true).register(r);
    }

    private static <T> void counter(MeterRegistry r, String name, String unit, String help, T obj, ToDoubleFunction<T> f) {
        FunctionCounter.builder(name, obj, f).description(help).baseUnit(unit).register(r);
    }
}
