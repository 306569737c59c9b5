package parley.server;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Every server setting and limit, with its default. This record is the one place limits are
 * defined; the README's limits table mirrors it.
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
 * @param historyMessages   messages each group retains for history (Join with history, Fetch); at
 *                          least the group capacity
 * @param historyBytes      encoded bytes each group retains beyond its last {@code groupCapacity}
 *                          messages; older ones are dropped first
 * @param maxNameChars      longest user name (Hello)
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
        int historyMessages,
        long historyBytes,
        int maxNameChars) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7878;
    public static final int DEFAULT_GROUP_CAPACITY = 1000;
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_GROUP_NAME_CHARS = 256;
    public static final int DEFAULT_MAX_GROUPS_PER_CONNECTION = 1000;
    public static final int DEFAULT_READ_BUFFER_BYTES = 256;
    public static final int DEFAULT_WRITE_BUFFER_BYTES = 32 * 1024;
    public static final int DEFAULT_MAX_REPLY_BACKLOG_BYTES = 1 << 20;
    public static final Duration DEFAULT_CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_WRITER_LINGER = Duration.ofSeconds(5);
    public static final int DEFAULT_HISTORY_MESSAGES = 10_000;
    public static final long DEFAULT_HISTORY_BYTES = 8L << 20;
    public static final int DEFAULT_MAX_NAME_CHARS = 32;

    public ServerConfig {
        positive("group capacity", groupCapacity);
        if (groupCapacity > (1 << 24)) throw new IllegalArgumentException("group capacity must be at most 16777216");
        positive("max line bytes", maxLineBytes);
        if (maxLineBytes > (1 << 30)) throw new IllegalArgumentException("max line bytes must be at most 1 GiB");
        positive("max group name length", maxGroupNameChars);
        positive("max groups per connection", maxGroupsPerConnection);
        positive("read buffer bytes", readBufferBytes);
        if (writeBufferBytes < 256) throw new IllegalArgumentException("write buffer bytes must be at least 256");
        positive("max reply backlog bytes", maxReplyBacklogBytes);
        if (closeFlushTimeout.isNegative()) throw new IllegalArgumentException("close flush timeout must not be negative");
        if (writerLinger.isNegative()) throw new IllegalArgumentException("writer linger must not be negative");
        if (historyMessages < groupCapacity || historyMessages > (1 << 24)) {
            throw new IllegalArgumentException("history messages must be between the group capacity ("
                    + groupCapacity + ") and 16777216, got " + historyMessages);
        }
        if (historyBytes < 0) throw new IllegalArgumentException("history bytes must not be negative");
        positive("max name length", maxNameChars);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(new InetSocketAddress(DEFAULT_HOST, DEFAULT_PORT), DEFAULT_GROUP_CAPACITY,
                DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_GROUP_NAME_CHARS, DEFAULT_MAX_GROUPS_PER_CONNECTION,
                DEFAULT_READ_BUFFER_BYTES, DEFAULT_WRITE_BUFFER_BYTES, DEFAULT_MAX_REPLY_BACKLOG_BYTES,
                DEFAULT_CLOSE_FLUSH_TIMEOUT, DEFAULT_WRITER_LINGER,
                DEFAULT_HISTORY_MESSAGES, DEFAULT_HISTORY_BYTES, DEFAULT_MAX_NAME_CHARS);
    }

    public ServerConfig withAddress(InetSocketAddress a) {
        return new ServerConfig(a, groupCapacity, maxLineBytes, maxGroupNameChars, maxGroupsPerConnection,
                readBufferBytes, writeBufferBytes, maxReplyBacklogBytes, closeFlushTimeout, writerLinger,
                historyMessages, historyBytes, maxNameChars);
    }

    /** Also raises the history to at least the new capacity. */
    public ServerConfig withGroupCapacity(int c) {
        return new ServerConfig(address, c, maxLineBytes, maxGroupNameChars, maxGroupsPerConnection,
                readBufferBytes, writeBufferBytes, maxReplyBacklogBytes, closeFlushTimeout, writerLinger,
                Math.max(c, historyMessages), historyBytes, maxNameChars);
    }

    public ServerConfig withCloseFlushTimeout(Duration d) {
        return new ServerConfig(address, groupCapacity, maxLineBytes, maxGroupNameChars, maxGroupsPerConnection,
                readBufferBytes, writeBufferBytes, maxReplyBacklogBytes, d, writerLinger,
                historyMessages, historyBytes, maxNameChars);
    }

    public ServerConfig withWriterLinger(Duration d) {
        return new ServerConfig(address, groupCapacity, maxLineBytes, maxGroupNameChars, maxGroupsPerConnection,
                readBufferBytes, writeBufferBytes, maxReplyBacklogBytes, closeFlushTimeout, d,
                historyMessages, historyBytes, maxNameChars);
    }

    public ServerConfig withHistory(int messages, long bytes) {
        return new ServerConfig(address, groupCapacity, maxLineBytes, maxGroupNameChars, maxGroupsPerConnection,
                readBufferBytes, writeBufferBytes, maxReplyBacklogBytes, closeFlushTimeout, writerLinger,
                messages, bytes, maxNameChars);
    }

    public ServerConfig withMaxLineBytes(int n) {
        return new ServerConfig(address, groupCapacity, n, maxGroupNameChars, maxGroupsPerConnection,
                readBufferBytes, writeBufferBytes, maxReplyBacklogBytes, closeFlushTimeout, writerLinger,
                historyMessages, historyBytes, maxNameChars);
    }

    public ServerConfig withMaxGroupsPerConnection(int n) {
        return new ServerConfig(address, groupCapacity, maxLineBytes, maxGroupNameChars, n,
                readBufferBytes, writeBufferBytes, maxReplyBacklogBytes, closeFlushTimeout, writerLinger,
                historyMessages, historyBytes, maxNameChars);
    }

    private static void positive(String what, int v) {
        if (v < 1) throw new IllegalArgumentException(what + " must be at least 1, got " + v);
    }
}
