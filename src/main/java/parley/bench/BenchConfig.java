package parley.bench;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One run's settings, resolved from the command line and the scenario's defaults.
 *
 * @param scenario       the workload
 * @param target         the server (loopback only)
 * @param groups         groups used
 * @param subsPerGroup   subscribers per group (load scenarios)
 * @param publishers     publishing connections (load scenarios)
 * @param rate           posts per second, all publishers together, open loop
 * @param size           bytes of message text per post (at least {@link Payload#HEADER})
 * @param warmup         sending before measuring starts
 * @param duration       measured sending
 * @param connections    idle connections (idle scenario)
 * @param hold           how long idle connections are held
 * @param ioThreads      selector threads for the subscribers
 * @param serverPid      the server's process id for RSS readings, or 0
 * @param sourceAddrs    loopback source addresses to spread connections over; 0 = as needed
 * @param connectTimeout one connection attempt's limit
 * @param maxTime        the watchdog's limit for the whole run
 * @param publishTo      where publishers connect instead of the target (another node), or null
 * @param transport      how every connection reaches the server: tcp, tls or ws
 * @param tlsCa          PEM certificates to trust over TLS, or null for the JDK's CAs
 * @param http           the server's HTTP side for WebSocket, or null for the chat port + 1
 * @param plot           where to write the latency plot (SVG), or null
 */
record BenchConfig(
        Scenario scenario,
        InetSocketAddress target,
        int groups,
        int subsPerGroup,
        int publishers,
        double rate,
        int size,
        Duration warmup,
        Duration duration,
        int connections,
        Duration hold,
        int ioThreads,
        long serverPid,
        int sourceAddrs,
        Duration connectTimeout,
        Duration maxTime,
        InetSocketAddress publishTo,
        Transport.Kind transport,
        Path tlsCa,
        InetSocketAddress http,
        Path plot) {

    /** Plain TCP, publishers on the same server as subscribers, no plot. */
    BenchConfig(Scenario scenario, InetSocketAddress target, int groups, int subsPerGroup, int publishers, double rate,
                int size, Duration warmup, Duration duration, int connections, Duration hold, int ioThreads,
                long serverPid, int sourceAddrs, Duration connectTimeout, Duration maxTime) {
        this(scenario, target, groups, subsPerGroup, publishers, rate, size, warmup, duration, connections, hold,
                ioThreads, serverPid, sourceAddrs, connectTimeout, maxTime, null, Transport.Kind.TCP, null, null, null);
    }

    /** Where publishers connect: {@link #publishTo} if set (another node of a cluster), else the target. */
    InetSocketAddress publisherTarget() {
        return publishTo != null ? publishTo : target;
    }

    /**
     * The HTTP side of the server at {@code chat}, for WebSocket: {@link #http} for the target
     * when given, else derived as the server derives its default, the chat port + 1 on the same
     * address (so {@code --publish-to}'s node is reached at its own port + 1).
     */
    InetSocketAddress httpFor(InetSocketAddress chat) {
        if (http != null && chat.equals(target)) return http;
        return new InetSocketAddress(chat.getAddress(), chat.getPort() + 1);
    }

    /** How long to wait for late deliveries once the publishers have stopped. */
    static final Duration STRAGGLER_WAIT = Duration.ofSeconds(5);

    /** Connections the run opens: subscribers and publishers, or the idle population and one helper. */
    long totalConnections() {
        return scenario == Scenario.IDLE ? connections + 1L : (long) groups * subsPerGroup + publishers;
    }

    long subscribers() {
        return scenario == Scenario.IDLE ? connections : (long) groups * subsPerGroup;
    }

    /** Time allowed for connecting everything: 30 s plus 1 ms per connection. */
    Duration connectBudget() {
        return Duration.ofSeconds(30).plusMillis(totalConnections());
    }

    /** Time allowed for every subscriber to see a readiness post: 10 s plus 1 s per 10,000. */
    Duration syncBudget() {
        return Duration.ofSeconds(10).plusMillis(totalConnections() / 10);
    }

    /** The watchdog's limit when none is given: every phase's budget plus 30 s. */
    Duration defaultMaxTime() {
        Duration work = scenario == Scenario.IDLE
                ? hold.plusSeconds(2)
                : warmup.plus(duration).plus(STRAGGLER_WAIT).plusSeconds(5);
        return connectBudget().plus(syncBudget()).plus(work).plusSeconds(30);
    }
}
