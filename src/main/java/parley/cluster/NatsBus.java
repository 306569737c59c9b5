package parley.cluster;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import parley.server.Group;
import parley.server.GroupBus;
import parley.server.GroupTable;
import parley.log.Log;

/**
 * The cluster bus: every post goes through one JetStream stream, and each node's group rings are
 * fed only from what the stream delivers back.
 *
 * <ul>
 * <li><b>Post.</b> Published asynchronously to {@code parley.g.<token>}; the poster never waits. At
 *     most {@link #WINDOW} posts per node await the stream's acknowledgement; past that, or while
 *     the bus is down, a post gets an Error at once and is not delivered. A failed acknowledgement
 *     reaches the poster as an Error later. A post with the client's id carries it (with the
 *     group) as {@code Nats-Msg-Id}: the stream stores it once within its duplicate window, and
 *     its author hears the stream's seq and time once the stream has acknowledged it, the same
 *     for a resend.
 * <li><b>Delivery.</b> A group with members on this node has one ordered push consumer filtered to
 *     its subject. It starts at the subject's first retained message, so the ring is loaded with
 *     the group's retained history before the first member subscribes (joiners wait for that), and
 *     then carries on live. Every node therefore holds every group's messages in stream order, and
 *     {@code seq} is the stream sequence: the same number on every node, increasing within a
 *     group, but not one more per post (other groups' posts take the numbers in between); its
 *     {@code ts} is the stream's time for it, and its seqs belong to the stream's epoch (its
 *     creation time, see {@link StreamSetup}).
 * <li><b>Outage.</b> When the NATS connection drops, every session on the node is told; on
 *     reconnection the stream is ensured again, every group's consumer is re-created after the
 *     last sequence it delivered, and every session is told the bus is back.
 * </ul>
 *
 * <p>A slow member never slows the bus: consumers hand messages to rings, which never wait.
 */
public final class NatsBus implements GroupBus {
    public static final String STREAM = "PARLEY";
    /** Posts a node may have awaiting the stream's acknowledgement. */
    public static final int WINDOW = 8192;
    public static final String UNAVAILABLE = "cluster bus unavailable; posts are not delivered until it returns";
    public static final String BACK = "cluster bus back";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final int KNOWN_MAX = 100_000;
    /** How long a Posted waits for this node's consumer to bring its post's time before asking the stream. */
    private static final long LOCAL_TIME_MILLIS = 100;

    private final Connection nc;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final Dispatcher dispatcher;
    private final Retention retention;
    private final HistoryReader history;
    private final StreamTimes times;
    private final RecentTimes recent = new RecentTimes();
    /** The stream's epoch, as of the last time this node made sure of the stream. */
    private volatile String epoch;
    private final Semaphore window = new Semaphore(WINDOW);
    /** The consumer of each group that has members on this node. */
    private final ConcurrentHashMap<Group, Feed> feeds = new ConcurrentHashMap<>();
    /** Groups known to exist cluster-wide (seen in the stream); bounded, cleared when full. */
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private volatile GroupTable groups;
    private volatile Consumer<String> noticeAll = text -> {};
    private volatile boolean up = true;
    private volatile boolean closed;

    private NatsBus(Connection nc, Retention retention) throws IOException {
        this.nc = nc;
        JetStreamOptions jso = JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT).build();
        this.js = nc.jetStream(jso);
        this.jsm = nc.jetStreamManagement(jso);
        this.dispatcher = nc.createDispatcher();
        this.retention = retention;
        this.history = new HistoryReader(jsm, STREAM);
        this.times = new StreamTimes(nc, STREAM, REQUEST_TIMEOUT);
    }

    /**
     * As {@link #connect(List, Retention)}, with the default retention but {@code messagesPerGroup}
     * messages kept per group.
     */
    public static NatsBus connect(List<String> urls, int messagesPerGroup) throws IOException {
        return connect(urls, Retention.DEFAULT.withMaxMessagesPerSubject(messagesPerGroup));
    }

    /**
     * Connects to the NATS servers at {@code urls} (nats://HOST:PORT each) and makes sure the stream
     * exists with {@code retention}'s limits and duplicate window (updating an existing stream's).
     *
     * @throws IOException if no server answers or JetStream is not enabled there
     */
    public static NatsBus connect(List<String> urls, Retention retention) throws IOException {
        NatsBus[] self = new NatsBus[1];
        Options options = Options.builder()
                .servers(urls.toArray(String[]::new))
                .connectionName("parley")
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(2))
                .requestCleanupInterval(Duration.ofMillis(500))
                // Nothing is buffered while disconnected: a post then gets an Error and is not delivered.
                .reconnectBufferSize(0)
                .maxMessagesInOutgoingQueue(4 * WINDOW)
                .connectionListener((conn, event) -> {
                    NatsBus b = self[0];
                    if (b != null) b.event(event);
                })
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        Log.debug("cluster.nats_error", "error", error);
                    }

                    @Override
                    public void exceptionOccurred(Connection conn, Exception exp) {
                        Log.debug("cluster.nats_exception", "error", String.valueOf(exp));
                    }
                })
                .build();
        Connection nc;
        try {
            nc = Nats.connect(options);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to the cluster bus");
        }
        try {
            NatsBus bus = new NatsBus(nc, retention);
            bus.ensureStream(true);
            self[0] = bus;
            return bus;
        } catch (IOException | RuntimeException e) {
            close(nc);
            throw e;
        }
    }

    /** Makes sure of the stream (see {@link StreamSetup}); {@code update}: to this node's retention. */
    private void ensureStream(boolean update) throws IOException {
        epoch = StreamSetup.epoch(StreamSetup.ensure(jsm, STREAM, retention, update));
    }

    /**
     * The stream's epoch: its creation time, the same for every node, new only when the stream
     * is (see {@link StreamSetup#epoch}).
     */
    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public void start(GroupTable groups, Consumer<String> noticeAll) {
        this.groups = groups;
        this.noticeAll = noticeAll;
    }

    /** Whether the bus is connected now. */
    public boolean up() {
        return up && nc.getStatus() == Connection.Status.CONNECTED;
    }

    // ------------------------------------------------------------------ posting

    @Override
    public boolean sharesGroups() {
        return true;
    }

    @Override
    public String post(Group group, String groupName, String message, String from, Consumer<String> errors) {
        return publish(group, groupName, null, BusPayload.encode(from, message), (a, failure) -> {
            window.release();
            if (failure != null) errors.accept(notConfirmed(groupName, failure));
        });
    }

    /**
     * A post with the client's id: published with {@code Nats-Msg-Id}, so that the stream stores
     * it once within its duplicate window, and acknowledged to its author with the stream's seq
     * and time once the stream has it. For a duplicate the stream's acknowledgement names the
     * original's seq, whose time is asked again: the author hears the same seq and ts twice, and
     * the members get the message once (the stream never stores or delivers the duplicate). A
     * failure after acceptance goes to {@code ack}, not {@code errors}.
     */
    @Override
    public String post(Group group, String groupName, String message, String from, String id, PostAck ack,
            Consumer<String> errors) {
        if (id == null) return post(group, groupName, message, from, errors);
        Headers h = new Headers().put("Nats-Msg-Id", msgId(groupName, id));
        return publish(group, groupName, h, BusPayload.encode(from, message), (a, failure) -> {
            if (failure != null) {
                window.release();
                ack.failed(notConfirmed(groupName, failure));
                return;
            }
            // The post's slot in the window is held until its author has heard: it bounds these lookups too.
            timeOf(group != null ? group : localGroup(groupName), a).whenComplete((ts, lookup) -> {
                window.release();
                if (lookup != null) ack.failed(notConfirmed(groupName, lookup));
                else ack.posted(a.getSeqno(), ts);
            });
        });
    }

    /**
     * The stream's time of an acknowledged post: from this node's consumer of the group if it
     * delivers the post (it usually does within a millisecond of the acknowledgement, when the
     * group has members here), else asked of the stream. A duplicate's original was delivered
     * long ago: it is asked at once unless it is still in {@link RecentTimes}.
     */
    private CompletableFuture<Long> timeOf(Group group, PublishAck a) {
        long seq = a.getSeqno();
        long known = recent.lookup(seq);
        if (known >= 0) return CompletableFuture.completedFuture(known);
        Feed f = group == null ? null : feeds.get(group);
        if (a.isDuplicate() || f == null || f.sub == null) return times.of(seq);
        return recent.await(seq).orTimeout(LOCAL_TIME_MILLIS, TimeUnit.MILLISECONDS).exceptionallyCompose(late -> {
            recent.forget(seq);
            return times.of(seq);
        });
    }

    private Group localGroup(String name) {
        GroupTable t = groups;
        return t == null ? null : t.get(name);
    }

    /**
     * The stream-wide dedup key of a post: the stream's duplicate window spans every subject, so
     * the group is in it (as its subject token, which holds no space; an id is printable ASCII).
     */
    static String msgId(String groupName, String id) {
        return Subjects.token(groupName) + " " + id;
    }

    /**
     * Publishes a post without waiting, if the bus is up, the group exists and the window has
     * room; {@code done} hears the stream's acknowledgement (or failure) and must release the
     * window's slot. Returns an error for the poster now, or null.
     */
    private String publish(Group group, String groupName, Headers headers, byte[] payload,
            java.util.function.BiConsumer<PublishAck, Throwable> done) {
        if (!up()) return notDelivered(groupName);
        if (group == null && !exists(groupName)) return "Group '" + groupName + "' does not exist";
        if (!window.tryAcquire()) {
            return "cluster bus busy: " + WINDOW + " posts await its confirmation; post to '" + groupName
                    + "' not delivered";
        }
        CompletableFuture<PublishAck> ack;
        try {
            ack = js.publishAsync(Subjects.posts(groupName), headers, payload);
        } catch (RuntimeException e) {
            window.release();
            if (e instanceof IllegalArgumentException && String.valueOf(e.getMessage()).contains("payload")) {
                return "message too large for the cluster bus (at most " + nc.getMaxPayload() + " bytes)";
            }
            return notDelivered(groupName);
        }
        ack.whenComplete(done);
        return null;
    }

    private static String notConfirmed(String groupName, Throwable failure) {
        return "post to '" + groupName + "' not confirmed by the cluster bus (" + reason(failure)
                + "); it may not have been delivered";
    }

    private static String notDelivered(String groupName) {
        return "cluster bus unavailable; post to '" + groupName + "' not delivered";
    }

    private static String reason(Throwable t) {
        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof TimeoutException || c instanceof java.util.concurrent.CancellationException) {
            return "no acknowledgement in time";
        }
        return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
    }

    /**
     * Whether a group exists cluster-wide: it has members here, or the stream has a post or a
     * creation marker for it. The stream is asked once per name (one round trip), then remembered.
     */
    private boolean exists(String name) {
        if (known.contains(name)) return true;
        GroupTable t = groups;
        if (t != null && t.get(name) != null) return true;
        boolean found = lastSeq(Subjects.posts(name)) > 0 || lastSeq(Subjects.marker(name)) > 0;
        if (found) remember(name);
        return found;
    }

    private void remember(String name) {
        if (known.size() >= KNOWN_MAX) known.clear();
        known.add(name);
    }

    /** The stream sequence of the subject's last message, 0 if it has none, -1 if the bus did not answer. */
    private long lastSeq(String subject) {
        try {
            MessageInfo mi = jsm.getLastMessage(STREAM, subject);
            return mi == null ? 0 : mi.getSeq();
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() == 404) return 0;
            Log.debug("cluster.last_message_failed", "subject", subject, "error", e.getMessage());
            return -1;
        } catch (IOException | RuntimeException e) {
            Log.debug("cluster.last_message_failed", "subject", subject, "error", e.toString());
            return -1;
        }
    }

    // ------------------------------------------------------------------ delivery

    @Override
    public void created(Group group) {
        Feed f = new Feed(group);
        feeds.put(group, f);
        remember(group.name());
        if (up()) announce(f);
        else f.unannounced = true;
        // Subscribing is a round trip: never inside the group table's lock.
        Thread.ofVirtual().name("parley-cluster-attach").start(() -> attach(f));
    }

    /** A marker, so that a post from a node without members finds the group before anyone posts. */
    private void announce(Feed f) {
        f.unannounced = false;
        try {
            Headers h = new Headers().put("Nats-Rollup", "sub");
            js.publishAsync(Subjects.marker(f.group.name()), h, new byte[0]).exceptionally(e -> {
                f.unannounced = true; // tried again when the bus next returns
                return null;
            });
        } catch (RuntimeException e) {
            f.unannounced = true;
            Log.debug("cluster.marker_failed", "group", f.group.name(), "error", e.toString());
        }
    }

    @Override
    public boolean ready(Group group) {
        Feed f = feeds.get(group);
        return f == null || f.isReady();
    }

    @Override
    public boolean awaitReady(Group group, long millis) {
        Feed f = feeds.get(group);
        if (f == null) return true;
        try {
            return f.ready.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return f.isReady();
        }
    }

    @Override
    public void removed(Group group) {
        Feed f = feeds.remove(group);
        if (f == null) return;
        f.removed = true;
        unsubscribe(f);
    }

    /**
     * Starts (or restarts) a group's consumer after the last sequence it delivered, and marks the
     * group ready once what the subject held when it started has been delivered. If the bus is
     * down the group is marked ready anyway (its joiners get what there is) and the consumer is
     * started when the bus returns.
     */
    private void attach(Feed f) {
        Group g = f.group;
        try {
            long last = lastSeq(f.subject);
            if (last < 0) throw new IOException("no answer from the cluster bus");
            f.readyAt = last;
            long from = f.delivered + 1;
            ConsumerConfiguration cc = from > 1
                    ? ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(from).build()
                    : ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All).build();
            JetStreamSubscription sub = js.subscribe(f.subject, dispatcher, m -> onMessage(f, m), false,
                    PushSubscribeOptions.builder().ordered(true).configuration(cc).build());
            f.sub = sub;
            if (f.removed) unsubscribe(f);
            if (last == 0 || f.delivered >= last) f.markReady();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            Log.warn("cluster.follow_deferred", "group", g.name(), "error", e.getMessage());
            f.markReady();
        }
    }

    private void onMessage(Feed f, Message m) {
        try {
            if (!m.isJetStream()) return;
            long seq = m.metaData().streamSequence();
            BusPayload.Post p = BusPayload.decode(m.getData());
            // The stream's time, so every node gives the message the same ts.
            if (p != null) {
                long ts = m.metaData().timestamp().toInstant().toEpochMilli();
                f.deliver(p, seq, ts);
                recent.delivered(seq, ts);
            }
            if (!f.isReady() && (seq >= f.readyAt || m.metaData().pendingCount() == 0)) f.markReady();
        } catch (RuntimeException e) {
            Log.warn("cluster.bad_message", "subject", m.getSubject(), "error", e.toString());
        }
    }

    private void unsubscribe(Feed f) {
        JetStreamSubscription s = f.sub;
        if (s == null) return;
        f.sub = null;
        try {
            dispatcher.unsubscribe(s);
        } catch (RuntimeException e) {
            Log.debug("cluster.unsubscribe_failed", "subject", f.subject, "error", e.toString());
        }
    }

    // ------------------------------------------------------------------ outages

    private void event(ConnectionListener.Events event) {
        if (closed) return;
        switch (event) {
            case DISCONNECTED -> {
                if (up) {
                    up = false;
                    Log.warn("cluster.disconnected");
                    noticeAll.accept(UNAVAILABLE);
                }
            }
            case RECONNECTED -> Thread.ofVirtual().name("parley-cluster-resume").start(this::resume);
            default -> { }
        }
    }

    /** After a reconnection: the stream again, every group's consumer afresh, then tell the clients. */
    private void resume() {
        try {
            ensureStream(false);
        } catch (IOException e) {
            Log.warn("cluster.resume_failed", "error", e.getMessage());
        }
        for (Feed f : feeds.values()) {
            unsubscribe(f);
            if (f.removed) continue;
            attach(f);
            if (f.unannounced) announce(f); // a group joined while the bus was down
        }
        if (!up && !closed) {
            up = true;
            Log.info("cluster.reconnected");
            noticeAll.accept(BACK);
        }
    }

    // ------------------------------------------------------------------ history

    @Override
    public boolean fetch(Group group, String groupName, long after, long limit, FetchSink sink) throws Refused {
        return fetch(group, groupName, after, -1, limit, sink);
    }

    /**
     * Serves a Fetch from this node's ring when it holds everything asked for (the ring is a copy
     * of the stream's retained messages for the group); otherwise, and always for {@code before},
     * from the stream itself, one message at a time, each handed to {@code sink} as it is read
     * (see {@link HistoryReader}): a Fetch holds one message of the history at once, whatever its
     * size, and stops as soon as the sink refuses one (the client is gone).
     */
    @Override
    public boolean fetch(Group group, String groupName, long after, long before, long limit, FetchSink sink)
            throws Refused {
        if (before < 0 && group != null && ready(group)) {
            long oldest = group.oldestHeldSeq();
            if (after < 0 || oldest == 0 || after + 1 >= oldest) return false;
        }
        ensureReadable(group, groupName);
        try {
            if (after >= 0) history.after(groupName, after, limit, sink);
            else history.before(groupName, before, limit, sink);
            return true;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            throw new Refused("cannot read the history of '" + groupName + "' from the cluster bus: " + e.getMessage());
        }
    }

    /**
     * The oldest and newest seq the stream retains for the group ({0, 0} when none): the first
     * and last message of its subject, two direct gets.
     */
    @Override
    public long[] retained(String groupName) throws Refused {
        Group group = groups == null ? null : groups.get(groupName);
        ensureReadable(group, groupName);
        String subject = Subjects.posts(groupName);
        try {
            long last = history.last(subject);
            return last == 0 ? new long[] {0, 0} : new long[] {history.first(subject), last};
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            throw new Refused("cannot read the history of '" + groupName + "' from the cluster bus: " + e.getMessage());
        }
    }

    private void ensureReadable(Group group, String groupName) throws Refused {
        if (!up()) throw new Refused(UNAVAILABLE);
        if (group == null && !exists(groupName)) throw new Refused("Group '" + groupName + "' does not exist");
    }

    /** Posts with an id whose authors wait for this node's consumer to bring the post's time (tests). */
    int awaitingTimes() {
        return recent.waiting();
    }

    /** Times of acknowledged posts asked of the stream, not brought by this node's consumer (tests). */
    long timesAsked() {
        return times.asked();
    }

    /** Messages read from the stream for Fetch requests since the start (tests: a read stops with its client). */
    public long historyRead() {
        return history.read();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        close(nc);
    }

    private static void close(Connection nc) {
        try {
            nc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
