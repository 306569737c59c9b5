package parley.soak;

import java.time.Duration;
import java.util.concurrent.Callable;
import parley.options.Address;
import parley.options.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parley soak}: see {@link parley.soak}. */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a reliability soak: steady posting, healthy and slow members, connection churn and bad "
                + "input against an in-process server (or --connect ADDRESS), checking zero loss for healthy "
                + "members, exact Dropped counts for slow ones, and no leak of heap, threads, file descriptors, "
                + "sessions or groups, also through a hostile phase of attacks (see parley hostile). Prints a line of figures every --report-every; exits 1 on any violation.",
                "Example: ./parley soak --duration 10m"})
public final class SoakCommand implements Callable<Integer> {

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how long to post, e.g. 60s or 10m (default: 10m)")
    Duration duration = Duration.ofMinutes(10);

    @Option(names = "--connect", paramLabel = "ADDRESS",
            description = "soak an external server at HOST:PORT (a loopback address) instead of an in-process one; "
                    + "server-side leak checks (sessions, groups) are then skipped")
    String connect;

    @Option(names = "--report-every", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how often to print the figures (default: 10s)")
    Duration reportEvery = Duration.ofSeconds(10);

    @Option(names = "--members", paramLabel = "N", description = "healthy members (default: ${DEFAULT-VALUE})")
    int members = 6;

    @Option(names = "--slow", paramLabel = "N", description = "slow members (default: ${DEFAULT-VALUE})")
    int slow = 3;

    @Option(names = "--posters", paramLabel = "N", description = "posting connections (default: ${DEFAULT-VALUE})")
    int posters = 2;

    @Option(names = "--churners", paramLabel = "N",
            description = "connections opened and closed over and over (default: ${DEFAULT-VALUE})")
    int churners = 4;

    @Option(names = "--vandals", paramLabel = "N", description = "connections sending bad input (default: ${DEFAULT-VALUE})")
    int vandals = 2;

    @Option(names = "--groups", paramLabel = "N", description = "groups posted to (default: ${DEFAULT-VALUE})")
    int groups = 3;

    @Option(names = "--rate", paramLabel = "POSTS_PER_S", description = "posts per second in all (default: ${DEFAULT-VALUE})")
    int rate = 200;

    @Option(names = "--message-bytes", paramLabel = "BYTES", description = "size of each message (default: ${DEFAULT-VALUE})")
    int messageBytes = 4000;

    @Option(names = "--group-capacity", paramLabel = "N",
            description = "the in-process server's group capacity: how far behind a slow member may fall "
                    + "before it is told of drops (default: ${DEFAULT-VALUE})")
    int groupCapacity = 256;

    @Option(names = "--max-line", paramLabel = "BYTES",
            description = "the server's request line limit, which the over-long line test exceeds by one "
                    + "(default: 65536 for the in-process server; with --connect, 1048576, the server's default)")
    Integer maxLine;

    @Option(names = "--slow-read", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how long a slow member reads in each cycle (default: 5s)")
    Duration slowRead = Duration.ofSeconds(5);

    @Option(names = "--slow-pause", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how long a slow member then stops reading (default: 15s)")
    Duration slowPause = Duration.ofSeconds(15);

    @Option(names = "--slow-receive-buffer", paramLabel = "BYTES",
            description = "a slow member's socket receive buffer (default: ${DEFAULT-VALUE})")
    int slowReceiveBuffer = 4096;

    @Option(names = "--hostile", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "the hostile phase: from a third of the way in, this long, a few of parley hostile's attacks "
                    + "at once (request flood, reply backlog, List amplification, silent connections, unfinished "
                    + "lines); 0s turns it off (default: a third of --duration, at most 20s)")
    Duration hostile;

    @Override
    public Integer call() throws Exception {
        if (duration.isNegative() || duration.isZero() || reportEvery.isNegative() || reportEvery.isZero()
                || members < 1 || slow < 0 || posters < 1 || churners < 0 || vandals < 0 || groups < 1 || rate < 1
                || messageBytes < 16 || groupCapacity < 1 || slowRead.isNegative() || slowPause.isNegative()
                || slowRead.plus(slowPause).isZero()) {
            System.err.println("parley soak: durations must be positive, and members, posters, groups and rate at least 1");
            return 2;
        }
        java.net.InetSocketAddress address = null;
        if (connect != null) {
            try {
                address = Address.parse(connect, "127.0.0.1");
            } catch (IllegalArgumentException e) {
                System.err.println("parley soak: " + e.getMessage());
                return 2;
            }
            if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
                System.err.println("parley soak: --connect takes a loopback address (127.0.0.0/8 or ::1)");
                return 2;
            }
        }
        if (hostile != null && hostile.isNegative()) {
            System.err.println("parley soak: --hostile must not be negative");
            return 2;
        }
        Duration phase = hostile != null ? hostile : java.util.Collections.min(java.util.List.of(duration.dividedBy(3),
                Duration.ofSeconds(20)));
        int limit = maxLine != null ? maxLine : (connect == null ? 64 * 1024 : 1 << 20);
        Soak.Settings settings = new Soak.Settings(duration, address, reportEvery, members, slow, posters, churners,
                vandals, groups, rate, messageBytes, groupCapacity, limit, slowRead, slowPause, slowReceiveBuffer, phase);
        return new Soak(settings, System.out).run();
    }
}
