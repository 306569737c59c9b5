package parley.soak;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import parley.protocol.FromServer;
import parley.protocol.ProtocolException;
import parley.net.ChatServer;
import parley.log.Log;
import parley.server.ServerConfig;

/**
 * The soak run: starts (or connects to) a server, runs every role until the deadline, then drains
 * and checks. See the package documentation for what it proves.
 */
final class Soak {
    /** Everything a run is told; see {@link SoakCommand} for each option's meaning and default. */
    record Settings(Duration duration, InetSocketAddress connect, Duration reportEvery, int members, int slow,
                    int posters, int churners, int vandals, int groups, int rate, int messageBytes,
                    int groupCapacity, int maxLine, Duration slowRead, Duration slowPause, int slowReceiveBuffer,
                    Duration hostile) {}

    private static final Pattern DROPPED = Pattern.compile("Dropped (\\d+) messages from (.*)\\.");
    private static final Pattern POSTED = Pattern.compile("p(\\d+):(\\d+):.*", Pattern.DOTALL);
    private static final Duration SETTLE = Duration.ofSeconds(30);
    /** Slack for threads and descriptors the JDK may keep after the run (carrier threads, pollers). */
    private static final int THREAD_SLACK = 8;
    private static final int FD_SLACK = 8;
    /** Heap after GC may end at most this much above where it started. */
    private static final long HEAP_SLACK = 16L << 20;

    private final Settings s;
    private final PrintStream out;
    private final String prefix = "soak" + Long.toString(System.nanoTime() & 0xFFFFFF, 36);
    private final String[] groupNames;
    private final Map<String, Integer> groupIndex = new HashMap<>();
    private final AtomicLongArray posted;
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger violationCount = new AtomicInteger();
    private final AtomicLong churnConnections = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong badLines = new AtomicLong();
    private final AtomicLong badLineErrors = new AtomicLong();
    private final AtomicLong overlongLines = new AtomicLong();
    private final List<Member> healthy = new ArrayList<>();
    private final List<Member> slowMembers = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private ChatServer server;
    private InetSocketAddress address;
    private volatile long deadline;
    private volatile boolean stopping;
    private long startNanos;
    private volatile Resources baseline;

    Soak(Settings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
        this.groupNames = new String[settings.groups()];
        for (int g = 0; g < groupNames.length; g++) {
            groupNames[g] = prefix + "-" + g;
            groupIndex.put(groupNames[g], g);
        }
        this.posted = new AtomicLongArray(settings.groups());
    }

    /** Runs the soak; returns the process exit code: 0 if every check held, 1 otherwise. */
    int run() throws Exception {
        boolean inProcess = s.connect() == null;
        if (inProcess) {
            Log.setLevel(Log.Level.WARN);
            server = ChatServer.start(ServerConfig.defaults()
                    .withAddress(new InetSocketAddress("127.0.0.1", 0))
                    .withGroupCapacity(s.groupCapacity())
                    .withMaxLineBytes(s.maxLine()));
            address = server.address();
        } else {
            address = s.connect();
        }
        out.printf("soak: %s for %s against %s server at %s%n", prefix, human(s.duration()),
                inProcess ? "an in-process" : "an external", address);
        out.printf("soak: %d healthy members, %d slow members (read %s, pause %s, %d-byte receive buffer), "
                        + "%d posters at %d posts/s in all to %d groups, %d churners, %d vandals%n",
                s.members(), s.slow(), human(s.slowRead()), human(s.slowPause()), s.slowReceiveBuffer(),
                s.posters(), s.rate(), s.groups(), s.churners(), s.vandals());

        // Warm up once, so lazily created JDK threads and descriptors are in the baseline.
        startNanos = System.nanoTime();
        deadline = startNanos + Duration.ofSeconds(2).toNanos();
        new Churner(0, new Random(1)).cycle();
        new Vandal(0, new Random(2)).cycle(true);
        awaitQuiet(Duration.ofSeconds(10));
        Resources base = Resources.sample(true);
        baseline = base;
        out.printf("soak: baseline: heap %s after GC, RSS %s, %d threads, %d fds%s%n", Resources.mb(base.heapAfterGc()),
                Resources.mb(base.rss()), base.threads(), base.fds(),
                inProcess ? ", " + server.connectionCount() + " sessions, " + server.groups().size() + " groups" : "");
        if (inProcess) out.printf("soak: heap bound while running: baseline + %s%n", Resources.mb(heapBound()));

        try {
            runRoles();
        } finally {
            stopping = true;
        }

        // Drain and check delivery.
        checkDelivery();
        for (Member m : healthy) m.close();
        for (Member m : slowMembers) m.close();
        for (Thread t : workers) t.join(10_000);

        // Check for leaks once everything is closed.
        boolean quiet = awaitQuiet(SETTLE);
        Resources end = Resources.sample(true);
        Resources peak = Resources.sample(false);
        out.printf("soak: after: heap %s after GC (baseline %s), %d threads (baseline %d), %d fds (baseline %d)%s; "
                        + "peak RSS %s%n",
                Resources.mb(end.heapAfterGc()), Resources.mb(base.heapAfterGc()), end.threads(), base.threads(),
                end.fds(), base.fds(),
                inProcess ? ", " + server.connectionCount() + " sessions, " + server.groups().size() + " groups" : "",
                Resources.mb(peak.peakRss()));
        if (inProcess && !quiet) {
            violation("leak: " + server.connectionCount() + " sessions and " + server.groups().size()
                    + " groups remain " + human(SETTLE) + " after every client closed");
        }
        if (end.heapAfterGc() > base.heapAfterGc() + HEAP_SLACK) {
            violation("leak: heap after GC grew from " + Resources.mb(base.heapAfterGc()) + " to "
                    + Resources.mb(end.heapAfterGc()));
        }
        if (base.threads() >= 0 && end.threads() > base.threads() + THREAD_SLACK) {
            violation("leak: threads grew from " + base.threads() + " to " + end.threads());
        }
        if (base.fds() >= 0 && end.fds() > base.fds() + FD_SLACK) {
            violation("leak: file descriptors grew from " + base.fds() + " to " + end.fds());
        }
        if (server != null) server.close();

        long total = 0;
        for (int g = 0; g < posted.length(); g++) total += posted.get(g);
        long slowReceived = 0;
        long slowDropped = 0;
        for (Member m : slowMembers) {
            slowReceived += m.receivedTotal();
            slowDropped += m.droppedTotal();
        }
        long healthyLeast = Long.MAX_VALUE;
        for (Member m : healthy) healthyLeast = Math.min(healthyLeast, m.receivedTotal());
        long slowWant = (long) slowMembers.size() * total;
        out.printf("soak: posted %d messages; %d healthy members %s; slow members received %d and were told of %d "
                        + "dropped (received + dropped = %d %s %d members x %d posted)%n",
                total, healthy.size(),
                healthyLeast == total ? "each received all " + total : "received as few as " + healthyLeast,
                slowReceived, slowDropped, slowReceived + slowDropped, slowReceived + slowDropped == slowWant ? "=" : "!=",
                slowMembers.size(), total);
        out.printf("soak: %d churn connections (%d ended by a TCP reset), %d bad lines each answered by one Error "
                        + "(%d errors), %d over-long lines answered and closed%n",
                churnConnections.get(), resets.get(), badLines.get(), badLineErrors.get(), overlongLines.get());
        if (violationCount.get() == 0) {
            out.println("soak: OK: no violation");
            return 0;
        }
        out.printf("soak: FAILED: %d violations; the first %d:%n", violationCount.get(), violations.size());
        for (String v : violations) out.println("  " + v);
        return 1;
    }

    // ------------------------------------------------------------------ the run

    private void runRoles() throws Exception {
        for (int i = 0; i < s.members(); i++) healthy.add(new Member("healthy-" + i, false));
        for (int i = 0; i < s.slow(); i++) slowMembers.add(new Member("slow-" + i, true));
        for (Member m : healthy) m.joinAll();
        for (Member m : slowMembers) m.joinAll();
        startNanos = System.nanoTime();
        deadline = startNanos + s.duration().toNanos();
        for (Member m : healthy) workers.add(Thread.ofVirtual().name(m.name).start(m));
        for (Member m : slowMembers) workers.add(Thread.ofVirtual().name(m.name).start(m));
        List<Thread> drivers = new ArrayList<>();
        for (int i = 0; i < s.posters(); i++) {
            Poster p = new Poster(i);
            drivers.add(Thread.ofVirtual().name("poster-" + i).start(p));
        }
        for (int i = 0; i < s.churners(); i++) {
            Churner c = new Churner(i + 1, new Random(1000 + i));
            drivers.add(Thread.ofVirtual().name("churner-" + i).start(c::loop));
        }
        for (int i = 0; i < s.vandals(); i++) {
            Vandal v = new Vandal(i + 1, new Random(2000 + i));
            drivers.add(Thread.ofVirtual().name("vandal-" + i).start(v::loop));
        }
        if (!s.hostile().isZero()) drivers.add(Thread.ofVirtual().name("hostile").start(this::hostilePhase));
        long every = s.reportEvery().toNanos();
        long nextReport = startNanos + every;
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (now >= nextReport) {
                report();
                nextReport += every;
            }
            LockSupport.parkNanos(Math.min(deadline, nextReport) - now);
        }
        stopping = true;
        for (Thread t : drivers) t.join(15_000);
        report();
    }

    /**
     * The hostile phase: a third of the way in, a few of {@code parley hostile}'s attacks at once on
     * the same server, while every role goes on and its checks hold; the attacks' own checks
     * (the documented answers) are violations here too.
     */
    private void hostilePhase() {
        long start = startNanos + s.duration().toNanos() / 3;
        while (running() && System.nanoTime() < start) LockSupport.parkNanos(Math.min(100_000_000, start - System.nanoTime()));
        if (!running()) return;
        out.printf("soak: hostile phase: %s of request flood, reply backlog, List amplification, silent connections "
                + "and unfinished lines%n", human(s.hostile()));
        parley.hostile.HostilePhase phase = parley.hostile.HostilePhase.start(address, s.hostile());
        try {
            if (!phase.await(s.hostile().plusSeconds(60))) violation("hostile phase: an attack did not end");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (String f : phase.figures()) out.println("soak: hostile phase: " + f);
        for (String f : phase.failures()) violation("hostile phase: " + f);
    }

    /**
     * Heap the in-process server may hold at any time beyond the baseline: each soak group's ring
     * (its last capacity messages, and history beyond them up to the history byte budget), each
     * message weighing two encodings; plus a fixed allowance for sessions, buffers and the soak's
     * own clients. Heap after GC above this means something is not bounded.
     */
    private long heapBound() {
        ServerConfig c = server.config();
        long weight = 2L * (s.messageBytes() + 96) + 64;
        return (long) s.groups() * (c.historyBytes() + (long) c.groupCapacity() * weight) + (64L << 20);
    }

    private void report() {
        Resources r = Resources.sample(true);
        if (server != null && baseline != null && r.heapAfterGc() > baseline.heapAfterGc() + heapBound()) {
            violation("memory: heap after GC " + Resources.mb(r.heapAfterGc()) + " is above the bound "
                    + Resources.mb(baseline.heapAfterGc() + heapBound()));
        }
        long total = 0;
        for (int g = 0; g < posted.length(); g++) total += posted.get(g);
        long dropped = 0;
        for (Member m : slowMembers) dropped += m.droppedTotal();
        long behind = 0;
        for (Member m : healthy) behind = Math.max(behind, total - m.receivedTotal());
        out.printf("soak: t=%4ds posted=%d healthy-behind=%d slow-dropped=%d churn=%d bad-lines=%d heap=%s rss=%s "
                        + "threads=%d fds=%d%s violations=%d%n",
                (System.nanoTime() - startNanos) / 1_000_000_000L, total, behind, dropped, churnConnections.get(),
                badLines.get(), Resources.mb(r.heapAfterGc()), Resources.mb(r.rss()), r.threads(), r.fds(),
                server == null ? "" : " sessions=" + server.connectionCount() + " groups=" + server.groups().size(),
                violationCount.get());
        out.flush();
    }

    /** After posting stops: healthy members must get everything; slow ones must account for everything. */
    private void checkDelivery() {
        long[] want = new long[posted.length()];
        for (int g = 0; g < want.length; g++) want[g] = posted.get(g);
        for (Member m : slowMembers) m.drain();
        // One deadline for all: a member that is still short when it passes has lost something.
        waitFor(SETTLE, () -> healthy.stream().allMatch(m -> m.accounted(want, false))
                && slowMembers.stream().allMatch(m -> m.accounted(want, true)));
        for (Member m : healthy) {
            if (!m.accounted(want, false)) {
                violation("loss: " + m.name + " received " + m.describe() + " of " + java.util.Arrays.toString(want)
                        + " posted, within " + human(SETTLE) + " after posting stopped");
            }
        }
        for (Member m : slowMembers) {
            if (!m.accounted(want, true)) {
                violation("count: " + m.name + " received + dropped " + m.describe() + " != posted "
                        + java.util.Arrays.toString(want));
            }
        }
    }

    /** Waits for the server to hold no session and no group (in-process only); true if it did. */
    private boolean awaitQuiet(Duration timeout) {
        if (server == null) return true;
        return waitFor(timeout, () -> server.connectionCount() == 0 && server.groups().size() == 0);
    }

    private static boolean waitFor(Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) return false;
            LockSupport.parkNanos(20_000_000);
        }
        return true;
    }

    private void violation(String v) {
        int n = violationCount.incrementAndGet();
        if (n <= 50) {
            violations.add(v);
            out.println("soak: VIOLATION: " + v);
        } else if (n == 51) {
            out.println("soak: more violations: counting them, printing no more");
        }
    }

    private boolean running() {
        return !stopping && System.nanoTime() < deadline;
    }

    private static String human(Duration d) {
        long sec = d.toSeconds();
        if (sec >= 60 && sec % 60 == 0) return sec / 60 + "m";
        if (sec > 0 && d.toMillis() % 1000 == 0) return sec + "s";
        return d.toMillis() + "ms";
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('"').toString();
    }

    private static String join(String group) {
        return "{\"Join\":{\"group_name\":" + json(group) + "}}";
    }

    private static String post(String group, String message) {
        return "{\"Post\":{\"group_name\":" + json(group) + ",\"message\":" + json(message) + "}}";
    }

    /** A one-group page of List: its answer (Groups, then the Listed summary) marks that what came before was handled. */
    private static final String LIST = "{\"List\":{\"limit\":1}}";

    // ------------------------------------------------------------------ roles

    /**
     * A member of every soak group for the whole run. A healthy one reads as fast as it can and must
     * see every poster's messages with no gap; a slow one has a small receive buffer and stops
     * reading for a while every cycle, and must account for every message as received or dropped.
     */
    private final class Member implements Runnable {
        final String name;
        final boolean slow;
        final Wire wire;
        final long[][] last = new long[Math.max(1, s.posters())][s.groups()];
        final AtomicLongArray received = new AtomicLongArray(s.groups());
        final AtomicLongArray dropped = new AtomicLongArray(s.groups());
        final long phase = ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
        volatile boolean draining;
        volatile boolean closed;

        Member(String name, boolean slow) throws IOException {
            this.name = name;
            this.slow = slow;
            this.wire = Wire.open(address, slow ? s.slowReceiveBuffer() : 0);
            for (long[] row : last) java.util.Arrays.fill(row, -1);
        }

        /** Joins every group and waits until the server has done so (its List answer comes after the joins). */
        void joinAll() throws IOException, ProtocolException {
            for (String g : groupNames) wire.send(join(g));
            wire.send(LIST);
            FromServer r = wire.readReply();
            if (!(r instanceof FromServer.Groups)) throw new IOException(name + ": expected the List answer, got " + r);
            r = wire.readReply();
            if (!(r instanceof FromServer.Listed)) throw new IOException(name + ": expected the List summary, got " + r);
        }

        @Override
        public void run() {
            try {
                while (!closed) {
                    if (slow && !draining) {
                        long cycle = s.slowRead().toNanos() + s.slowPause().toNanos();
                        long at = (System.nanoTime() - startNanos + phase) % cycle;
                        if (at >= s.slowRead().toNanos()) { // not reading now
                            LockSupport.parkNanos(Math.min(100_000_000L, cycle - at));
                            continue;
                        }
                    }
                    byte[] line = wire.readLine();
                    if (line == null) {
                        if (!closed) violation(name + ": the server closed the connection");
                        return;
                    }
                    handle(line);
                }
            } catch (IOException e) {
                if (!closed) violation(name + ": connection failed: " + e);
            }
        }

        private void handle(byte[] line) {
            FromServer r;
            try {
                r = parley.protocol.Codec.decodeReply(line, 0, line.length);
            } catch (ProtocolException e) {
                violation(name + ": invalid reply line '" + Wire.text(line) + "': " + e.getMessage());
                return;
            }
            switch (r) {
                case FromServer.Message m -> {
                    Integer g = groupIndex.get(m.groupName());
                    Matcher p = POSTED.matcher(m.message());
                    if (g == null || !p.matches()) {
                        violation(name + ": unexpected message " + Wire.text(line));
                        return;
                    }
                    int poster = Integer.parseInt(p.group(1));
                    long seq = Long.parseLong(p.group(2));
                    long prev = last[poster][g];
                    if (slow ? seq <= prev : seq != prev + 1) {
                        violation(name + ": in " + m.groupName() + " poster " + poster + " message " + seq
                                + " came after " + prev + (slow ? " (out of order)" : " (a gap or a repeat)"));
                    }
                    last[poster][g] = seq;
                    received.incrementAndGet(g);
                }
                case FromServer.Error e -> {
                    Matcher d = DROPPED.matcher(e.text());
                    Integer g = d.matches() ? groupIndex.get(d.group(2)) : null;
                    if (g == null) {
                        violation(name + ": unexpected error '" + e.text() + "'");
                    } else if (!slow) {
                        violation(name + " (healthy) lagged: '" + e.text() + "'");
                        dropped.addAndGet(g, Long.parseLong(d.group(1)));
                    } else {
                        dropped.addAndGet(g, Long.parseLong(d.group(1)));
                    }
                }
                default -> violation(name + ": unexpected reply " + Wire.text(line));
            }
        }

        void drain() {
            draining = true;
        }

        boolean accounted(long[] want, boolean countDropped) {
            for (int g = 0; g < want.length; g++) {
                long got = received.get(g) + (countDropped ? dropped.get(g) : 0);
                if (got != want[g]) return false;
            }
            return true;
        }

        long receivedTotal() {
            long t = 0;
            for (int g = 0; g < received.length(); g++) t += received.get(g);
            return t;
        }

        long droppedTotal() {
            long t = 0;
            for (int g = 0; g < dropped.length(); g++) t += dropped.get(g);
            return t;
        }

        String describe() {
            StringBuilder b = new StringBuilder("[");
            for (int g = 0; g < received.length(); g++) {
                if (g > 0) b.append(", ");
                b.append(received.get(g));
                if (dropped.get(g) > 0) b.append('+').append(dropped.get(g)).append(" dropped");
            }
            return b.append(']').toString();
        }

        void close() {
            closed = true;
            wire.close();
        }
    }

    /** Posts at a steady rate, round-robin over the groups, numbering its messages per group. */
    private final class Poster implements Runnable {
        final int id;
        final long[] seq = new long[s.groups()];
        final String pad;

        Poster(int id) {
            this.id = id;
            this.pad = "x".repeat(Math.max(0, s.messageBytes() - 16));
        }

        @Override
        public void run() {
            long interval = Math.max(1, 1_000_000_000L * s.posters() / Math.max(1, s.rate()));
            try (Wire w = Wire.open(address, 0)) {
                // A poster is no member: anything it is sent is an error.
                Thread.ofVirtual().start(() -> {
                    try {
                        byte[] l;
                        while ((l = w.readLine()) != null) {
                            if (!stopping) violation("poster-" + id + " got " + Wire.text(l));
                        }
                    } catch (IOException ignored) {
                        // closed at the end
                    }
                });
                long next = System.nanoTime();
                int g = id % s.groups();
                while (running()) {
                    w.send(post(groupNames[g], "p" + id + ":" + seq[g] + ":" + pad));
                    seq[g]++;
                    posted.incrementAndGet(g);
                    g = (g + 1) % s.groups();
                    next += interval;
                    long now = System.nanoTime();
                    if (next - now > 0) {
                        LockSupport.parkNanos(next - now);
                    } else if (now - next > 1_000_000_000L) {
                        next = now; // fell a second behind (a stalled machine): do not burst to catch up
                    }
                }
                w.shutdownOutput();
            } catch (IOException e) {
                violation("poster-" + id + ": " + e);
            }
        }
    }

    /**
     * Opens connections over and over: Hello (sometimes), join a private group and a soak group,
     * post to the private group and wait for its own posts to come back, linger a little, then
     * leave by an orderly close, a TCP reset, or a reset in the middle of a line.
     */
    private final class Churner {
        final int id;
        final Random random;
        int round;

        Churner(int id, Random random) {
            this.id = id;
            this.random = random;
        }

        void loop() {
            while (running()) {
                cycle();
                LockSupport.parkNanos(Duration.ofMillis(20 + random.nextInt(80)).toNanos());
            }
        }

        void cycle() {
            churnConnections.incrementAndGet();
            String mine = prefix + "-churn-" + id + "-" + round++;
            try (Wire w = Wire.open(address, 0)) {
                w.setReadTimeout(10_000);
                boolean hello = random.nextBoolean();
                if (hello) w.send("{\"Hello\":{\"name\":\"c" + id + "x" + round + "\"}}");
                w.send(join(mine));
                if (random.nextBoolean()) w.send(join(groupNames[random.nextInt(groupNames.length)]));
                int k = 1 + random.nextInt(5);
                for (int i = 0; i < k; i++) w.send(post(mine, "c" + id + ":" + i));
                int got = 0;
                while (got < k) {
                    byte[] line = w.readLine();
                    if (line == null) {
                        violation("churner-" + id + ": connection closed before its own posts came back");
                        return;
                    }
                    FromServer r = parley.protocol.Codec.decodeReply(line, 0, line.length);
                    switch (r) {
                        case FromServer.Message m when m.groupName().equals(mine) -> {
                            if (!m.message().equals("c" + id + ":" + got)) {
                                violation("churner-" + id + ": own post " + got + " came back as '" + m.message() + "'");
                            }
                            got++;
                        }
                        case FromServer.Message m -> { } // a soak group's traffic
                        case FromServer.Welcome wl -> { }
                        // a Hello'd churner sees other Hello'd churners come and go in a soak group it joined
                        case FromServer.Joined j -> { }
                        case FromServer.Left l -> { }
                        case FromServer.Error e when DROPPED.matcher(e.text()).matches() -> { } // it may lag
                        default -> violation("churner-" + id + ": unexpected reply " + Wire.text(line));
                    }
                }
                LockSupport.parkNanos(Duration.ofMillis(random.nextInt(50)).toNanos());
                switch (random.nextInt(4)) {
                    case 0 -> { // orderly: the server sends what is queued and closes
                        w.shutdownOutput();
                        while (w.readLine() != null) {
                            // drain until the server closes
                        }
                    }
                    case 1 -> {
                        resets.incrementAndGet();
                        w.reset();
                    }
                    case 2 -> { // a reset in the middle of a line
                        w.sendRaw("{\"Post\":{\"group_na".getBytes(UTF_8));
                        resets.incrementAndGet();
                        w.reset();
                    }
                    default -> w.close();
                }
            } catch (SocketTimeoutException e) {
                violation("churner-" + id + ": no reply within 10 s");
            } catch (IOException | ProtocolException e) {
                violation("churner-" + id + ": " + e);
            }
        }
    }

    /** Sends bad input and checks that each bad line gets exactly one Error and the connection carries on. */
    private final class Vandal {
        final int id;
        final Random random;
        int connections;

        Vandal(int id, Random random) {
            this.id = id;
            this.random = random;
        }

        private byte[][] badLines() {
            return new byte[][] {
                    {(byte) 0xFF, (byte) 0xFE, 'h', 'i'},                              // invalid UTF-8
                    "{\"Join\":".getBytes(UTF_8),                                        // truncated JSON
                    "{\"Dance\":{}}".getBytes(UTF_8),                                    // unknown request
                    "{\"Join\":{}}".getBytes(UTF_8),                                     // missing field
                    "{\"Join\":{\"group_name\":\"\"}}".getBytes(UTF_8),                  // empty name
                    "{\"Join\":{\"group_name\":\"a\",\"group_name\":\"b\"}}".getBytes(UTF_8), // duplicate field
                    "{\"Post\":{\"group_name\":\"x\",\"message\":\"\\ud800\"}}".getBytes(UTF_8), // lone surrogate
                    post(prefix + "-nowhere", "m").getBytes(UTF_8),                      // no such group
                    ("{\"Join\":{\"x\":" + "[".repeat(200) + "]".repeat(200) + "}}").getBytes(UTF_8), // nesting over the limit
                    "{\"List\":{}} {}".getBytes(UTF_8),                                  // trailing data
                    {'{', 0, '}'},                                                       // NUL byte
                    {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'},                   // byte-order mark
                    "{\"Leave\":{\"group_name\":\"never-joined\"}}".getBytes(UTF_8),     // not a member
                    "{\"Hello\":{\"name\":\"no spaces allowed\"}}".getBytes(UTF_8),      // bad name
                    "42".getBytes(UTF_8),                                                // not an object
            };
        }

        void loop() {
            while (running()) {
                cycle(connections++ % 4 == 3);
                LockSupport.parkNanos(Duration.ofMillis(50 + random.nextInt(100)).toNanos());
            }
        }

        void cycle(boolean overlong) {
            byte[][] bad = badLines();
            try (Wire w = Wire.open(address, 0)) {
                w.setReadTimeout(10_000);
                for (int round = 0; round < 3; round++) {
                    int sent = 0;
                    StringBuilder blank = new StringBuilder();
                    for (int i = 0; i < 8; i++) {
                        byte[] b = bad[random.nextInt(bad.length)];
                        byte[] line = new byte[b.length + 1];
                        System.arraycopy(b, 0, line, 0, b.length);
                        line[b.length] = '\n';
                        w.sendRaw(line);
                        sent++;
                        if (random.nextInt(4) == 0) blank.append(random.nextBoolean() ? "\n" : "  \r\n");
                    }
                    w.sendRaw(blank.toString().getBytes(UTF_8)); // blank lines get no answer
                    w.send(LIST); // its answer marks the end of this round's errors
                    badLines.addAndGet(sent);
                    int errors = 0;
                    while (true) {
                        byte[] line = w.readLine();
                        if (line == null) {
                            violation("vandal-" + id + ": connection closed after bad input");
                            return;
                        }
                        FromServer r = parley.protocol.Codec.decodeReply(line, 0, line.length);
                        if (r instanceof FromServer.Groups) {
                            byte[] summary = w.readLine();
                            FromServer l = summary == null ? null : parley.protocol.Codec.decodeReply(summary, 0, summary.length);
                            if (!(l instanceof FromServer.Listed)) violation("vandal-" + id + ": expected the List summary, got " + Wire.text(summary));
                            break;
                        }
                        if (r instanceof FromServer.Error) {
                            errors++;
                        } else {
                            violation("vandal-" + id + ": unexpected reply " + Wire.text(line));
                        }
                    }
                    badLineErrors.addAndGet(errors);
                    if (errors != sent) violation("vandal-" + id + ": " + sent + " bad lines got " + errors + " errors");
                }
                if (overlong) {
                    // Exactly one byte more than the limit allows (plus CRLF room), so the server reads
                    // all of it, answers, and closes in order.
                    byte[] huge = new byte[s.maxLine() + 2];
                    java.util.Arrays.fill(huge, (byte) 'x');
                    w.sendRaw(huge);
                    byte[] line = w.readLine();
                    FromServer r = line == null ? null : parley.protocol.Codec.decodeReply(line, 0, line.length);
                    if (!(r instanceof FromServer.Error e) || !e.text().startsWith("line too long")) {
                        violation("vandal-" + id + ": over-long line got " + Wire.text(line));
                    } else if (w.readLine() != null) {
                        violation("vandal-" + id + ": connection stayed open after an over-long line");
                    } else {
                        overlongLines.incrementAndGet();
                    }
                }
            } catch (SocketTimeoutException e) {
                violation("vandal-" + id + ": no answer within 10 s");
            } catch (IOException | ProtocolException e) {
                violation("vandal-" + id + ": " + e);
            }
        }
    }
}
