package parley.hostile;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The soak's hostile phase: a few of the chat-port attacks at once, at sizes a soak's server (its
 * {@code --max-line} may be 64 KiB, it may have no HTTP side) takes without its own checks
 * moving: a request flood, a non-reading client in many groups sending bad lines, List
 * amplification, silent connections and unfinished lines shorter than the line limit. Each is
 * checked as in the suite, as far as a server without {@code /metrics} allows.
 */
public final class HostilePhase {
    private static final List<Attack> ATTACKS = List.of(new RequestFlood(6000, 3), new ReplyBacklog(300, 50_000),
            new ListAmplification(1, 300, 5, 10), new SilentConnections(200), new UnfinishedLines(50, 60_000));

    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> figures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    private HostilePhase() {}

    /** Starts every attack of the phase against the chat port at {@code chat}, each for {@code duration}. */
    public static HostilePhase start(InetSocketAddress chat, Duration duration) {
        HostilePhase phase = new HostilePhase();
        Target target = new Target(chat, null, -1, null);
        for (Attack a : ATTACKS) {
            phase.threads.add(Thread.ofVirtual().name("hostile-" + a.name()).start(() -> phase.run(a, target, duration)));
        }
        return phase;
    }

    private void run(Attack a, Target target, Duration duration) {
        try {
            Attack.Outcome o = a.run(target, duration);
            figures.add(a.name() + ": " + o.figures());
            for (String f : o.failures()) failures.add(a.name() + ": " + f);
        } catch (Exception e) {
            failures.add(a.name() + ": " + e);
        }
    }

    /** Waits for every attack to leave (at most {@code timeout}); true if they all did. */
    public boolean await(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) t.join(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /** What each attack did, a line each. */
    public List<String> figures() {
        return List.copyOf(figures);
    }

    /** Each way an attacker's answer was not the documented one. */
    public List<String> failures() {
        return List.copyOf(failures);
    }
}
