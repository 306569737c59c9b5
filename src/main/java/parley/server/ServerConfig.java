package parley.server;

import parley.budget.MaxMemory;
import parley.options.DurationConverter;
import parley.options.Sizes;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Every server setting and limit, with its default and its validation. The command line's table of
 * options ({@code parley.cli.ServerOption}) maps each setting to its option, from which
 * {@code ./parley server --help}, the start-up log and the settings table of docs/operations.md
 * are derived. Each setting
 * has a name (the option without its dashes: {@code group-capacity}), which a bad value's error
 * names, whether it came from a flag, the config file or the environment.
 *
 * @param address           where to listen
 * @param groupCapacity     messages each group holds for its members; a member further behind than
 *                          this gets a {@code Dropped N messages} notice and resumes at the oldest
 * @param maxLineBytes      longest request line accepted; a longer one gets an Error and the
 *                          connection is closed (it cannot be re-synchronised)
 * @param maxGroupNameChars longest group name accepted, in characters
 * @param maxGroupsPerConnection groups one connection may belong to at once
 * @param readBufferBytes   initial read buffer per connection; grows only while a long line arrives
 * @param writeBufferBytes  write buffer a connection's writer borrows while it has output; bounds a
 *                          connection's write backlog beyond what its groups already hold
 * @param maxReplyBacklogBytes replies (errors) queued for a connection before its reader stops
 *                          reading from it until they drain: a client that sends bad input without
 *                          reading the answers is slowed, not allowed to grow the queue
 * @param closeFlushTimeout how long a closing connection's queued output may take to drain
 * @param writerLinger      how long an idle connection keeps its writer thread before letting it end
 * @param groupLinger       how long a group whose last member left is kept, with its history and
 *                          seq, before it is removed (the book keeps groups forever); zero removes
 *                          it with its last member. At most {@link GroupTable#MAX_LINGERING} linger
 *                          at once; past that an emptied group goes at once
 * @param coalesce          longest a busy group (one posted to faster than eight times per this
 *                          interval) holds back waking its members, so that each member's writer
 *                          sends several posts in one write; zero wakes them on every post
 * @param historyMessages   messages each group retains for history (Join with history, Fetch); at
 *                          least the group capacity
 * @param historyBytes      memory (each message weighed as for {@code groupCapacityBytes}) up to
 *                          which each group retains messages older than its lag window, oldest
 *                          dropped first
 * @param maxNameChars      longest user name (Hello)
 * @param maxConnections    open connections, over every transport; one more gets an Error and is closed
 * @param maxMessageBytes   longest message text a Post may carry, in UTF-8 bytes; a longer post gets
 *                          an Error and is not delivered (the connection stays)
 * @param postRate          posts per second one connection may sustain (a token bucket); 0 means no
 *                          limit. An over-limit post gets an Error and is not delivered
 * @param postBurst         posts one connection may send at once before the rate applies
 * @param requestRate       requests other than Post (and lines that are not requests) per second one
 *                          connection may sustain (a token bucket with a burst of twice this); 0 means
 *                          no limit. An over-limit request gets an Error and is not acted on
 * @param writeDeadline     longest a client's socket may accept nothing while a write to it waits
 *                          (progress, however slow, starts it again); such a client is disconnected,
 *                          so it cannot pin a writer and a slot forever. Lagging alone never
 *                          disconnects anyone
 * @param authTimeout       with authentication on, how long a new connection has to send its Auth
 * @param tlsHandshakeTimeout with TLS on, how long a new connection has to finish its handshake
 * @param inlineSend        whether a poster may write a quiet group's post straight to a member's
 *                          socket, without waiting, on its own thread (Linux); false leaves every
 *                          write to the member's writer thread
 * @param idleReaders       whether a plain connection with nothing to read waits without a thread,
 *                          in one epoll set (Linux); false keeps a reader thread parked per connection
 * @param maxMemoryBytes    the heap the server runs in (the launcher gives it to the JVM as -Xmx); every
 *                          memory budget is a share of it ({@code parley.budget.Budgets})
 * @param groupCapacityBytes the most a group's ring holds for its members, in bytes of memory (both
 *                          encodings of each message and the objects around them): a member further
 *                          behind than this gets a {@code Dropped N messages} notice, as when it is
 *                          more than {@code groupCapacity} messages behind. A single message larger
 *                          than this is still delivered, alone in the window
 * @param maxHttpConnections HTTP connections open at once (pages, /health, /metrics, WebSockets);
 *                          more wait unaccepted until one closes, holding no descriptor of the server
 * @param httpIdleTimeout   how long an HTTP connection may go without completing a request (its request
 *                          line and headers) or sit idle between requests before it is closed: the
 *                          header timeout and the keep-alive timeout in one; WebSockets are pinged
 *                          often enough to stay
 * @param readIdle          a connection that sends nothing for this long is closed; zero (the default)
 *                          never closes a silent connection (TCP keep-alive still notices a vanished peer)
 * @param lineTimeout       longest a request line may take to arrive whole: a connection with an
 *                          unfinished line older than this gets an Error and is closed
 * @param admins            the server's admins ({@code --admins}): accounts that may do everything an
 *                          owner can in every group, and suspend accounts (docs/moderation.md)
 * @param groupsNeedOwner   only a connection signed in to an account may create a group
 * @param presenceLimit     above this many members a group sends no Joined and Left packets
 * @param dedupWindow       how long a post's id is remembered: the same group and id again within it
 *                          is not delivered twice but answered with the first post's Posted
 * @param directRate        direct messages a second one account may sustain, over all its connections
 *                          (bursts of five times as many); 0 means no limit
 */
public record ServerConfig(
        InetSocketAddress address,
        int groupCapacity,
        int maxLineBytes,
        int maxGroupNameChars,
        int maxGroupsPerConnection,
        int readBufferBytes,
        int writeBufferBytes,
        int maxReplyBacklogBytes,
        Duration closeFlushTimeout,
        Duration writerLinger,
        Duration groupLinger,
        Duration coalesce,
        int historyMessages,
        long historyBytes,
        int maxNameChars,
        int maxConnections,
        int maxMessageBytes,
        int postRate,
        int postBurst,
        int requestRate,
        Duration writeDeadline,
        Duration authTimeout,
        Duration tlsHandshakeTimeout,
        boolean inlineSend,
        boolean idleReaders,
        long maxMemoryBytes,
        long groupCapacityBytes,
        int maxHttpConnections,
        Duration httpIdleTimeout,
        Duration readIdle,
        Duration lineTimeout,
        Duration dedupWindow,
        int presenceLimit,
        int directRate,
        java.util.List<String> admins,
        boolean groupsNeedOwner) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7878;
    public static final int DEFAULT_GROUP_CAPACITY = 1000;
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_GROUP_NAME_CHARS = 256;
    public static final int DEFAULT_MAX_GROUPS_PER_CONNECTION = 1000;
    public static final int DEFAULT_READ_BUFFER_BYTES = 256;
    public static final int DEFAULT_WRITE_BUFFER_BYTES = 32 * 1024;
    public static final int DEFAULT_MAX_REPLY_BACKLOG_BYTES = 1 << 20;
    // Durations are written as an operator would write them, and parsed the way their options are.
    public static final String DEFAULT_CLOSE_FLUSH_TIMEOUT_TEXT = "5s";
    public static final Duration DEFAULT_CLOSE_FLUSH_TIMEOUT = DurationConverter.parse(DEFAULT_CLOSE_FLUSH_TIMEOUT_TEXT);
    public static final String DEFAULT_WRITER_LINGER_TEXT = "5s";
    public static final Duration DEFAULT_WRITER_LINGER = DurationConverter.parse(DEFAULT_WRITER_LINGER_TEXT);
    /**
     * None by default: a group goes with its last member, which keeps the group table as small as
     * the membership and /metrics' group count equal to the groups in use. A chat deployment
     * whose rooms should keep their history between visits sets one (the book keeps groups forever).
     */
    public static final String DEFAULT_GROUP_LINGER_TEXT = "0s";
    public static final Duration DEFAULT_GROUP_LINGER = DurationConverter.parse(DEFAULT_GROUP_LINGER_TEXT);
    public static final String DEFAULT_COALESCE_TEXT = "4ms";
    public static final Duration DEFAULT_COALESCE = DurationConverter.parse(DEFAULT_COALESCE_TEXT);
    public static final int DEFAULT_HISTORY_MESSAGES = 10_000;
    public static final long DEFAULT_HISTORY_BYTES = 8L << 20;
    public static final int DEFAULT_MAX_NAME_CHARS = 32;
    /**
     * Well above what one machine of this size serves comfortably (an idle connection costs a few
     * KiB), so it only stops a flood; the bench's idle scenario opens up to 100,000.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 100_000;
    /**
     * As large as a line allows by default, so a book client that could post a message before can
     * still post it; a chat deployment lowers it (a long chat message is a few KiB).
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = DEFAULT_MAX_LINE_BYTES;
    /**
     * No limit by default, as in Redis and NATS: one pub/sub publisher may rightly post tens of
     * thousands of messages a second on one connection. A deployment facing people sets one.
     */
    public static final int DEFAULT_POST_RATE = 0;
    /** The least burst; with a post rate set and no burst given, the burst is one second's worth. */
    public static final int DEFAULT_POST_BURST = 1;
    /**
     * 1000 requests a second (bursts of 2000) other than Post: no honest client comes near it (the
     * web page and the terminal client send a few per user action; joining the most groups a
     * connection may belong to, 1000, fits in one burst), while a client flooding cheap requests
     * (List, Members, Fetch, Join/Leave, bad lines) is held to it. Posts are not counted: the shared
     * benchmark posts up to 50,000 a second on one connection, a post's cost is bounded (one encode,
     * one ring slot) and {@link #DEFAULT_POST_RATE} is the limit meant for them.
     */
    public static final int DEFAULT_REQUEST_RATE = 1000;
    /** A client that takes no bytes for 30 s is gone, or as good as (NATS uses 10 s). */
    public static final String DEFAULT_WRITE_DEADLINE_TEXT = "30s";
    public static final Duration DEFAULT_WRITE_DEADLINE = DurationConverter.parse(DEFAULT_WRITE_DEADLINE_TEXT);
    public static final String DEFAULT_AUTH_TIMEOUT_TEXT = "10s";
    public static final Duration DEFAULT_AUTH_TIMEOUT = DurationConverter.parse(DEFAULT_AUTH_TIMEOUT_TEXT);
    public static final String DEFAULT_TLS_HANDSHAKE_TIMEOUT_TEXT = "10s";
    public static final Duration DEFAULT_TLS_HANDSHAKE_TIMEOUT = DurationConverter.parse(DEFAULT_TLS_HANDSHAKE_TIMEOUT_TEXT);
    /** On where the platform allows: it saves a thread hand-off per post to a quiet group. */
    public static final boolean DEFAULT_INLINE_SEND = true;
    /** On where the platform allows: an idle connection then costs no thread stack. */
    public static final boolean DEFAULT_IDLE_READERS = true;
    /**
     * A quarter of the machine's memory or of the container's limit, at most 1 GiB and at least
     * 64 MiB ({@link MaxMemory}, whose rule the launcher follows too to set -Xmx): far more than the
     * server needs for its own state (an idle connection costs a few KiB), small enough for a shared
     * machine or a small container, and a documented rule rather than whatever heap the JVM picks.
     */
    public static final long DEFAULT_MAX_MEMORY_BYTES = MaxMemory.forThisMachine();
    /**
     * Far more than browsers, probes and scrapers need at once, few enough that they cannot take the
     * process's descriptors (each holds one).
     */
    public static final int DEFAULT_MAX_HTTP_CONNECTIONS = 1000;
    /**
     * A request that has not arrived whole in 20 s is a slow client or a slowloris; a browser's
     * keep-alive connection idle that long is cheap to open again.
     */
    public static final String DEFAULT_HTTP_IDLE_TIMEOUT_TEXT = "20s";
    public static final Duration DEFAULT_HTTP_IDLE_TIMEOUT = DurationConverter.parse(DEFAULT_HTTP_IDLE_TIMEOUT_TEXT);
    /** Off: a chat member may rightly listen for hours without a word. */
    public static final String DEFAULT_READ_IDLE_TEXT = "0s";
    public static final Duration DEFAULT_READ_IDLE = DurationConverter.parse(DEFAULT_READ_IDLE_TEXT);
    /**
     * 30 s: a whole 1 MiB line arrives in well under a second on any working link; a line held
     * open longer than this only holds memory (issue 18's unfinished-line attack).
     */
    public static final String DEFAULT_LINE_TIMEOUT_TEXT = "30s";
    public static final Duration DEFAULT_LINE_TIMEOUT = DurationConverter.parse(DEFAULT_LINE_TIMEOUT_TEXT);
    public static final int DEFAULT_PRESENCE_LIMIT = 1000;
    /**
     * 10 a second (bursts of 50): far above anyone typing, or a client resending what a lost
     * connection left unacknowledged, and far below what could flood an inbox.
     */
    public static final int DEFAULT_DIRECT_RATE = 10;
    public static final String DEFAULT_DEDUP_WINDOW_TEXT = "2m";
    public static final Duration DEFAULT_DEDUP_WINDOW = DurationConverter.parse(DEFAULT_DEDUP_WINDOW_TEXT);
    /** Below this the budgets would refuse ordinary traffic: one 1 MiB line needs room. */
    public static final long MIN_MAX_MEMORY_BYTES = MaxMemory.FLOOR;
    /**
     * 64 MiB: 1,000 messages of about 20 KB each, far above what a chat's last 1,000 messages
     * weigh, so only large posts meet it; the rings budget (a share of --max-memory) bounds the sum.
     */
    public static final long DEFAULT_GROUP_CAPACITY_BYTES = 64L << 20;

    public ServerConfig {
        atLeast("group-capacity", groupCapacity, 1);
        atLeast("group-capacity-bytes", groupCapacityBytes, 1);
        atMost("group-capacity", groupCapacity, 1 << 24);
        atLeast("max-line", maxLineBytes, 1);
        atMost("max-line", maxLineBytes, 1 << 30);
        atLeast("max-group-name", maxGroupNameChars, 1);
        atLeast("max-groups-per-connection", maxGroupsPerConnection, 1);
        atLeast("read-buffer", readBufferBytes, 1);
        atLeast("write-buffer", writeBufferBytes, 256);
        atLeast("max-reply-backlog", maxReplyBacklogBytes, 1);
        notNegative("close-flush-timeout", closeFlushTimeout);
        notNegative("writer-linger", writerLinger);
        notNegative("group-linger", groupLinger);
        notNegative("coalesce", coalesce);
        if (coalesce.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new InvalidSettingException("coalesce", "coalesce must be at most 1s, got " + DurationConverter.format(coalesce));
        }
        if (historyMessages < groupCapacity || historyMessages > (1 << 24)) {
            throw new InvalidSettingException("history", "history must be between the group capacity ("
                    + groupCapacity + ") and 16777216, got " + historyMessages);
        }
        if (historyBytes < 0) throw new InvalidSettingException("history-bytes", "history-bytes must not be negative");
        atLeast("max-name", maxNameChars, 1);
        atMost("max-name", maxNameChars, DEFAULT_MAX_NAME_CHARS); // names are 1 to 32 characters
        atLeast("max-connections", maxConnections, 1);
        atLeast("max-message", maxMessageBytes, 1);
        atLeast("post-rate", postRate, 0);
        atLeast("post-burst", postBurst, 1);
        atLeast("request-rate", requestRate, 0);
        positive("write-deadline", writeDeadline);
        positive("auth-timeout", authTimeout);
        positive("tls-handshake-timeout", tlsHandshakeTimeout);
        if (maxMemoryBytes < MIN_MAX_MEMORY_BYTES) {
            throw new InvalidSettingException("max-memory", "max-memory must be at least "
                    + Sizes.format(MIN_MAX_MEMORY_BYTES) + ", got " + Sizes.format(maxMemoryBytes));
        }
        atLeast("max-http-connections", maxHttpConnections, 1);
        if (httpIdleTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new InvalidSettingException("http-idle-timeout", "http-idle-timeout must be at least 100ms, got "
                    + DurationConverter.format(httpIdleTimeout));
        }
        notNegative("read-idle", readIdle);
        positive("line-timeout", lineTimeout);
        positive("dedup-window", dedupWindow);
        atLeast("direct-rate", directRate, 0);
        if (presenceLimit < 0) {
            throw new InvalidSettingException("presence-limit", "presence-limit must not be negative, got " + presenceLimit);
        }
    }

    public static ServerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to change a few of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public ServerConfig withAddress(InetSocketAddress a) {
        return toBuilder().address(a).build();
    }

    /** Also raises the history to at least the new capacity. */
    public ServerConfig withGroupCapacity(int c) {
        return toBuilder().groupCapacity(c).historyMessages(Math.max(c, historyMessages)).build();
    }

    public ServerConfig withCloseFlushTimeout(Duration d) {
        return toBuilder().closeFlushTimeout(d).build();
    }

    public ServerConfig withWriterLinger(Duration d) {
        return toBuilder().writerLinger(d).build();
    }

    public ServerConfig withHistory(int messages, long bytes) {
        return toBuilder().historyMessages(messages).historyBytes(bytes).build();
    }

    public ServerConfig withMaxLineBytes(int n) {
        return toBuilder().maxLineBytes(n).build();
    }

    public ServerConfig withMaxGroupsPerConnection(int n) {
        return toBuilder().maxGroupsPerConnection(n).build();
    }

    /** Fluent construction with every default filled in; the record's constructor validates. */
    public static final class Builder {
        private InetSocketAddress address = new InetSocketAddress(DEFAULT_HOST, DEFAULT_PORT);
        private int groupCapacity = DEFAULT_GROUP_CAPACITY;
        private int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
        private int maxGroupNameChars = DEFAULT_MAX_GROUP_NAME_CHARS;
        private int maxGroupsPerConnection = DEFAULT_MAX_GROUPS_PER_CONNECTION;
        private int readBufferBytes = DEFAULT_READ_BUFFER_BYTES;
        private int writeBufferBytes = DEFAULT_WRITE_BUFFER_BYTES;
        private int maxReplyBacklogBytes = DEFAULT_MAX_REPLY_BACKLOG_BYTES;
        private Duration closeFlushTimeout = DEFAULT_CLOSE_FLUSH_TIMEOUT;
        private Duration writerLinger = DEFAULT_WRITER_LINGER;
        private Duration groupLinger = DEFAULT_GROUP_LINGER;
        private Duration coalesce = DEFAULT_COALESCE;
        /** Null until set: then the default history, or the group capacity if that is larger. */
        private Integer historyMessages;
        private long historyBytes = DEFAULT_HISTORY_BYTES;
        private int maxNameChars = DEFAULT_MAX_NAME_CHARS;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private int postRate = DEFAULT_POST_RATE;
        /** Null until set: then one second's worth at the post rate. */
        private Integer postBurst;
        private int requestRate = DEFAULT_REQUEST_RATE;
        private Duration writeDeadline = DEFAULT_WRITE_DEADLINE;
        private Duration authTimeout = DEFAULT_AUTH_TIMEOUT;
        private Duration tlsHandshakeTimeout = DEFAULT_TLS_HANDSHAKE_TIMEOUT;
        private boolean inlineSend = DEFAULT_INLINE_SEND;
        private boolean idleReaders = DEFAULT_IDLE_READERS;
        private long maxMemoryBytes = DEFAULT_MAX_MEMORY_BYTES;
        private long groupCapacityBytes = DEFAULT_GROUP_CAPACITY_BYTES;
        private int maxHttpConnections = DEFAULT_MAX_HTTP_CONNECTIONS;
        private Duration httpIdleTimeout = DEFAULT_HTTP_IDLE_TIMEOUT;
        private Duration readIdle = DEFAULT_READ_IDLE;
        private Duration lineTimeout = DEFAULT_LINE_TIMEOUT;
        private Duration dedupWindow = DEFAULT_DEDUP_WINDOW;
        private int presenceLimit = DEFAULT_PRESENCE_LIMIT;
        private int directRate = DEFAULT_DIRECT_RATE;
        private java.util.List<String> admins = java.util.List.of();
        private boolean groupsNeedOwner;

        private Builder() {}

        private Builder(ServerConfig c) {
            address = c.address;
            groupCapacity = c.groupCapacity;
            maxLineBytes = c.maxLineBytes;
            maxGroupNameChars = c.maxGroupNameChars;
            maxGroupsPerConnection = c.maxGroupsPerConnection;
            readBufferBytes = c.readBufferBytes;
            writeBufferBytes = c.writeBufferBytes;
            maxReplyBacklogBytes = c.maxReplyBacklogBytes;
            closeFlushTimeout = c.closeFlushTimeout;
            writerLinger = c.writerLinger;
            groupLinger = c.groupLinger;
            coalesce = c.coalesce;
            historyMessages = c.historyMessages;
            historyBytes = c.historyBytes;
            maxNameChars = c.maxNameChars;
            maxConnections = c.maxConnections;
            maxMessageBytes = c.maxMessageBytes;
            postRate = c.postRate;
            postBurst = c.postBurst;
            requestRate = c.requestRate;
            writeDeadline = c.writeDeadline;
            authTimeout = c.authTimeout;
            tlsHandshakeTimeout = c.tlsHandshakeTimeout;
            inlineSend = c.inlineSend;
            idleReaders = c.idleReaders;
            maxMemoryBytes = c.maxMemoryBytes;
            groupCapacityBytes = c.groupCapacityBytes;
            maxHttpConnections = c.maxHttpConnections;
            httpIdleTimeout = c.httpIdleTimeout;
            readIdle = c.readIdle;
            lineTimeout = c.lineTimeout;
            dedupWindow = c.dedupWindow;
            presenceLimit = c.presenceLimit;
            directRate = c.directRate;
            admins = c.admins;
            groupsNeedOwner = c.groupsNeedOwner;
        }

        public Builder address(InetSocketAddress v) { address = v; return this; }
        public Builder groupCapacity(int v) { groupCapacity = v; return this; }
        public Builder maxLineBytes(int v) { maxLineBytes = v; return this; }
        public Builder maxGroupNameChars(int v) { maxGroupNameChars = v; return this; }
        public Builder maxGroupsPerConnection(int v) { maxGroupsPerConnection = v; return this; }
        public Builder readBufferBytes(int v) { readBufferBytes = v; return this; }
        public Builder writeBufferBytes(int v) { writeBufferBytes = v; return this; }
        public Builder maxReplyBacklogBytes(int v) { maxReplyBacklogBytes = v; return this; }
        public Builder closeFlushTimeout(Duration v) { closeFlushTimeout = v; return this; }
        public Builder writerLinger(Duration v) { writerLinger = v; return this; }
        public Builder groupLinger(Duration v) { groupLinger = v; return this; }
        public Builder coalesce(Duration v) { coalesce = v; return this; }
        public Builder historyMessages(int v) { historyMessages = v; return this; }
        public Builder historyBytes(long v) { historyBytes = v; return this; }
        public Builder maxNameChars(int v) { maxNameChars = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder maxMessageBytes(int v) { maxMessageBytes = v; return this; }
        public Builder postRate(int v) { postRate = v; return this; }
        public Builder postBurst(int v) { postBurst = v; return this; }
        public Builder requestRate(int v) { requestRate = v; return this; }
        public Builder writeDeadline(Duration v) { writeDeadline = v; return this; }
        public Builder authTimeout(Duration v) { authTimeout = v; return this; }
        public Builder tlsHandshakeTimeout(Duration v) { tlsHandshakeTimeout = v; return this; }
        public Builder inlineSend(boolean v) { inlineSend = v; return this; }
        public Builder idleReaders(boolean v) { idleReaders = v; return this; }
        public Builder maxMemoryBytes(long v) { maxMemoryBytes = v; return this; }
        public Builder groupCapacityBytes(long v) { groupCapacityBytes = v; return this; }
        public Builder maxHttpConnections(int v) { maxHttpConnections = v; return this; }
        public Builder httpIdleTimeout(Duration v) { httpIdleTimeout = v; return this; }
        public Builder readIdle(Duration v) { readIdle = v; return this; }
        public Builder lineTimeout(Duration v) { lineTimeout = v; return this; }
        public Builder dedupWindow(Duration v) { dedupWindow = v; return this; }
        public Builder presenceLimit(int v) { presenceLimit = v; return this; }
        public Builder directRate(int v) { directRate = v; return this; }
        public Builder admins(java.util.List<String> v) { admins = java.util.List.copyOf(v); return this; }
        public Builder groupsNeedOwner(boolean v) { groupsNeedOwner = v; return this; }

        public ServerConfig build() {
            return new ServerConfig(address, groupCapacity, maxLineBytes, maxGroupNameChars, maxGroupsPerConnection,
                    readBufferBytes, writeBufferBytes, maxReplyBacklogBytes, closeFlushTimeout, writerLinger, groupLinger,
                    coalesce,
                    historyMessages != null ? historyMessages : Math.max(groupCapacity, DEFAULT_HISTORY_MESSAGES),
                    historyBytes, maxNameChars, maxConnections, maxMessageBytes, postRate,
                    postBurst != null ? postBurst : Math.max(DEFAULT_POST_BURST, postRate), requestRate,
                    writeDeadline, authTimeout, tlsHandshakeTimeout, inlineSend, idleReaders, maxMemoryBytes,
                    groupCapacityBytes, maxHttpConnections, httpIdleTimeout, readIdle, lineTimeout,
                    dedupWindow, presenceLimit, directRate, admins, groupsNeedOwner);
        }
    }

    private static void atLeast(String setting, long v, long min) {
        if (v < min) throw new InvalidSettingException(setting, setting + " must be at least " + min + ", got " + v);
    }

    private static void atMost(String setting, long v, long max) {
        if (v > max) throw new InvalidSettingException(setting, setting + " must be at most " + max + ", got " + v);
    }

    private static void notNegative(String setting, Duration d) {
        if (d.isNegative()) throw new InvalidSettingException(setting, setting + " must not be negative, got " + DurationConverter.format(d));
    }

    private static void positive(String setting, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new InvalidSettingException(setting, setting + " must be more than 0, got " + DurationConverter.format(d));
        }
    }
}
