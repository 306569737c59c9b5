package parley.hostile;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import parley.options.Address;
import parley.options.DurationConverter;
import parley.options.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parley hostile}: see {@link parley.hostile}. */
@Command(name = "hostile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the hostile clients of issue 18 one after another against a server in a child process "
                + "(--max-memory 256m, the launcher's JVM options) or a running one (--connect): slowloris, silent "
                + "connections, reply backlog, List amplification, unfinished lines, ring flood, WebSocket fragments "
                + "and bad frames, DNS rebinding, request flood, Auth guessing. Measures the server's RSS, /health and "
                + "a member's round trip during each; prints a line per attack and a Markdown table; exits 1 if the "
                + "server died, /health did not answer, RSS went over the budget plus overhead or did not come back, "
                + "the member waited too long, or an attacker did not get the documented answer.",
                "Example: ./parley hostile --duration 5s"})
public final class HostileCommand implements Callable<Integer> {

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how long each attack lasts (default: 10s)")
    Duration duration = Duration.ofSeconds(10);

    @Option(names = "--only", paramLabel = "NAME", split = ",",
            description = "run only these attacks: slowloris, silent-connections, reply-backlog, list-amplification, "
                    + "unfinished-lines, ring-flood, ws-fragment-flood, ws-bad-frames, dns-rebinding, request-flood, "
                    + "auth-guessing")
    List<String> only = List.of();

    @Option(names = "--connect", paramLabel = "ADDRESS",
            description = "attack a running server's chat port at HOST:PORT (loopback) instead of starting one; "
                    + "auth-guessing is then skipped")
    String connect;

    @Option(names = "--http", paramLabel = "ADDRESS",
            description = "with --connect: the server's HTTP address (without it the HTTP and WebSocket attacks are "
                    + "skipped and /health is not watched)")
    String http;

    @Option(names = "--pid", paramLabel = "PID",
            description = "with --connect: the server's process id, for its RSS (without it RSS is not checked)")
    long pid = -1;

    @Option(names = "--max-memory", paramLabel = "SIZE",
            description = "the server's --max-memory (the child's, or the running server's) (default: ${DEFAULT-VALUE})")
    String maxMemory = "256m";

    @Option(names = "--rss-overhead", paramLabel = "SIZE",
            description = "RSS the JVM may hold beyond --max-memory (metaspace, code cache, thread stacks, GC "
                    + "structures, direct buffers) (default: ${DEFAULT-VALUE})")
    String overhead = "150m";

    @Option(names = "--rss-margin", paramLabel = "SIZE",
            description = "how far above its RSS before an attack the server may still be 30 s after it "
                    + "(default: ${DEFAULT-VALUE})")
    String margin = "96m";

    @Option(names = "--member-bound", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "the slowest a well-behaved member's post round trip may be during an attack (default: 3s)")
    Duration memberBound = Duration.ofSeconds(3);

    @Override
    public Integer call() throws Exception {
        List<String> names = Attack.all(null).stream().map(Attack::name).toList();
        Set<String> picked = new LinkedHashSet<>(only);
        if (duration.isNegative() || duration.isZero() || !names.containsAll(picked)) {
            System.err.println("parley hostile: --duration must be positive and --only takes " + String.join(", ", names));
            return 2;
        }
        Target target = null;
        long budget;
        try {
            budget = Sizes.parse(maxMemory);
            if (connect != null) {
                target = new Target(loopback(connect), http == null ? null : loopback(http), pid, null);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("parley hostile: " + e.getMessage());
            return 2;
        }
        Limits limits = new Limits(budget, Sizes.parse(overhead), Sizes.parse(margin), memberBound.toMillis());
        Hostile.Settings settings = new Hostile.Settings(duration, target, picked, maxMemory, limits,
                System.getProperty("java.class.path"));
        return new Hostile(settings, System.out).run();
    }

    private static InetSocketAddress loopback(String text) {
        InetSocketAddress a = Address.parse(text, "127.0.0.1");
        if (a.getAddress() == null || !a.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException(text + ": a loopback address is needed (127.0.0.0/8 or ::1)");
        }
        return a;
    }
}
