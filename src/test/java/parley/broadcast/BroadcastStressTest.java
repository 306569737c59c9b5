package parley.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import parley.budget.MemoryBudget;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Concurrency tests of {@link Broadcast}: many senders and receivers, lag accounting under random
 * schedules, listener-driven waiting, close racing parked receivers, and subscribe/unsubscribe
 * churn.
 *
 * <p>Each repetition derives its seed from the repetition index, {@code seed = base * 1000 +
 * repetition} (base overridable with {@code -Dparley.stress.seed=N}), and alternates platform
 * threads (odd repetitions) and virtual threads (even repetitions). Every failure message carries
 * the seed and thread kind. A seed fixes the shape of a run (thread counts, capacities, burst
 * sizes, pauses), not the interleaving the scheduler picks. Every loop
 * is bounded by a count and by a deadline; a stuck thread fails the test with its stack instead of
 * hanging it. Nothing asserts on speed.
 *
 * <p>The default run ({@code ./parley test}) has the first two repetitions of each randomised test
 * and 2,000 tries of the close-after-send race; their twins tagged {@code long} ({@code ./parley
 * test -P long-tests}, which CI runs too) have repetitions 3 and 4 and 20,000 tries.
 */
class BroadcastStressTest {

    private static final long BASE_SEED = Long.getLong("parley.stress.seed", 20_251_107L);
    /** Overall budget per test; well under the @Timeout. */
    private static final Duration BUDGET = Duration.ofSeconds(15);
    /**
     * How long one wait may last before a receiver that has values waiting calls it a lost
     * wake-up. Senders never pause for anywhere near this long while they are running.
     */
    private static final long WAIT_MS = 3_000;
    /** Rounds of bursts, each ending in a quiet point, in the tests that look for lost wake-ups. */
    private static final int ROUNDS = 200;

    /**
     * Repetitions run by default: the first {@value #DEFAULT_REPETITIONS} of each randomised test
     * (one on platform threads, one on virtual threads); its twin tagged {@code long} (in CI's
     * {@code -P long-tests} run) goes on with the next ones, so both runs together cover what four
     * repetitions per test did in one.
     */
    private static final int DEFAULT_REPETITIONS = 2;

    /** {@code rep} as the repetition {@value #DEFAULT_REPETITIONS} further on, for the long twins. */
    private static RepetitionInfo later(RepetitionInfo rep) {
        return new RepetitionInfo() {
            @Override
            public int getCurrentRepetition() {
                return rep.getCurrentRepetition() + DEFAULT_REPETITIONS;
            }

            @Override
            public int getTotalRepetitions() {
                return rep.getTotalRepetitions() + DEFAULT_REPETITIONS;
            }

            @Override
            public int getFailureCount() {
                return rep.getFailureCount();
            }

            @Override
            public int getFailureThreshold() {
                return rep.getFailureThreshold();
            }
        };
    }

    enum Kind {
        PLATFORM,
        VIRTUAL
    }

    /** A value tagged with who sent it and its place in that sender's sequence. */
    record Msg(int sender, int counter) {
        int code(int perSender) {
            return sender * perSender + counter;
        }
    }

    /** Seed, thread kind, errors and threads of one test run. */
    static final class Run {
        final String test;
        final long seed;
        final Kind kind;
        final long deadline;
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        volatile String details = "";

        Run(String test, RepetitionInfo rep) {
            this(test, BASE_SEED * 1_000 + rep.getCurrentRepetition(),
                    rep.getCurrentRepetition() % 2 == 1 ? Kind.PLATFORM : Kind.VIRTUAL);
        }

        Run(String test, long seed, Kind kind) {
            this.test = test;
            this.seed = seed;
            this.kind = kind;
            this.deadline = System.nanoTime() + BUDGET.toNanos();
        }

        String ctx() {
            return "[" + test + " seed=" + seed + ", threads=" + kind + (details.isEmpty() ? "" : ", " + details) + "]";
        }

        boolean timeLeft() {
            return System.nanoTime() - deadline < 0;
        }

        long millisLeft() {
            return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        }

        Thread spawn(String name, ThrowingRunnable body) {
            Runnable r = () -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    errors.add(t);
                }
            };
            Thread t = kind == Kind.VIRTUAL
                    ? Thread.ofVirtual().name(name).unstarted(r)
                    : Thread.ofPlatform().name(name).daemon(true).unstarted(r);
            threads.add(t);
            t.start();
            return t;
        }

        /** Joins the given threads before the deadline; fails with their stacks if any is stuck. */
        void join(List<Thread> which, String what) throws InterruptedException {
            List<Thread> stuck = new ArrayList<>();
            for (Thread t : which) {
                if (!t.join(Duration.ofMillis(millisLeft()))) stuck.add(t);
            }
            if (!stuck.isEmpty()) {
                StringBuilder sb = new StringBuilder();
                for (Thread t : stuck) {
                    sb.append("\n  ").append(t.getName()).append(" ").append(t.getState());
                    for (StackTraceElement e : t.getStackTrace()) sb.append("\n    at ").append(e);
                }
                for (Thread t : threads) t.interrupt();
                checkErrors();
                fail("%s %d %s still running at the deadline (lost wake-up or livelock?):%s",
                        ctx(), stuck.size(), what, sb);
            }
        }

        /** Call after the joins: loops stop at the deadline, so a run that hit it did not finish. */
        void requireFinishedInTime() {
            checkErrors();
            if (!timeLeft()) {
                fail("%s the run used up its %d s budget before finishing: something is stuck or livelocked", ctx(),
                        BUDGET.toSeconds());
            }
        }

        void checkErrors() {
            if (errors.isEmpty()) return;
            AssertionError e = new AssertionError(ctx() + " " + errors.size() + " thread(s) failed; first: " + errors.peek(),
                    errors.peek());
            errors.stream().skip(1).limit(5).forEach(e::addSuppressed);
            throw e;
        }

        /** For cleanup when the test body itself throws. */
        void abandon() {
            for (Thread t : threads) t.interrupt();
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A generator for {@code seed}; nearby seeds give unrelated streams (unlike {@code new Random(seed)}). */
    static Random rng(long seed) {
        return new Random(new SplittableRandom(seed).nextLong());
    }

    private static void randomPause(Random rnd, int percent, int maxMicros) {
        if (rnd.nextInt(100) >= percent) return;
        if (rnd.nextBoolean()) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(1_000L * (1 + rnd.nextInt(maxMicros)));
        }
    }

    /**
     * One receiver's view of the stream, checked value by value: sequence numbers without gap or
     * duplicate (except as announced by a lag notice, whose count must be exact), and each
     * sender's values in that sender's order.
     */
    static final class Track {
        final String name;
        final Run run;
        final int capacity;
        final int perSender;
        long expected;
        /** {@link #expected}, published for other threads (the quiet-point check). */
        volatile long progress;
        long received;
        long missed;
        long lagNotices;
        final int[] last;
        final boolean[] gapAllowed;
        /**
         * Whether a sender's values may skip counters even without a lag notice: true when a
         * sender spreads its values over several channels.
         */
        boolean skipsAllowed;
        /** Code of the value received at each seq, -1 if not received (empty if not recorded). */
        final int[] codeBySeq;
        /**
         * Whether the lag window may be shorter than {@link #capacity} (a byte window or a
         * budget): a lag then resumes anywhere from {@code tail - capacity} up to the tail.
         */
        boolean byteWindow;

        Track(String name, Run run, int capacity, int senders, int perSender, long start, int total) {
            this.name = name;
            this.run = run;
            this.capacity = capacity;
            this.perSender = perSender;
            this.expected = start;
            this.progress = start;
            this.last = new int[senders];
            Arrays.fill(last, -1);
            this.gapAllowed = new boolean[senders];
            this.codeBySeq = new int[total];
            Arrays.fill(codeBySeq, -1);
        }

        void entry(Entry<Msg> e) {
            if (e.seq() != expected) {
                throw new AssertionError(run.ctx() + " " + name + ": got seq " + e.seq() + " but expected " + expected
                        + " (received " + received + ", missed " + missed + ")");
            }
            Msg m = e.value();
            int s = m.sender();
            boolean ok = gapAllowed[s] ? m.counter() > last[s] : m.counter() == last[s] + 1;
            if (!ok) {
                throw new AssertionError(run.ctx() + " " + name + ": sender " + s + " value " + m.counter()
                        + " after " + last[s] + " at seq " + e.seq()
                        + (gapAllowed[s] ? " (must increase)" : " (no lag since: must be the next one)"));
            }
            last[s] = m.counter();
            gapAllowed[s] = skipsAllowed;
            if (e.seq() < codeBySeq.length) codeBySeq[(int) e.seq()] = m.code(perSender);
            expected++;
            received++;
            progress = expected;
        }

        /**
         * Checks a lag notice; {@code tailBefore} and {@code tailAfter} are the tail read just
         * before and just after the poll that returned it.
         */
        void lagged(Received.Lagged<Msg> l, long tailBefore, long tailAfter) {
            if (l.missed() <= 0 || l.resumeAt() != expected + l.missed()) {
                throw new AssertionError(run.ctx() + " " + name + ": " + l + " but next expected was " + expected
                        + ": missed must be resumeAt - " + expected + " and positive");
            }
            // resumeAt must be the oldest value held (tail - capacity) at some instant of the poll;
            // with a byte window, no older than that and no newer than the newest value
            long latest = byteWindow ? tailAfter : tailAfter - capacity;
            if (l.resumeAt() < tailBefore - capacity || l.resumeAt() > latest) {
                throw new AssertionError(run.ctx() + " " + name + ": " + l + " is not the oldest held value: tail was "
                        + tailBefore + ".." + tailAfter + " during the poll and capacity is " + capacity);
            }
            missed += l.missed();
            lagNotices++;
            expected = l.resumeAt();
            progress = expected;
            Arrays.fill(gapAllowed, true);
        }

        /** Checks the received values against what the senders recorded for each seq. */
        void checkValues(int[] sentCodeBySeq) {
            for (int seq = 0; seq < codeBySeq.length; seq++) {
                if (codeBySeq[seq] != -1 && codeBySeq[seq] != sentCodeBySeq[seq]) {
                    fail("%s %s: seq %d carried value code %d but the sender of seq %d sent code %d", run.ctx(), name,
                            seq, codeBySeq[seq], seq, sentCodeBySeq[seq]);
                }
            }
        }
    }

    /**
     * Starts senders that each send {@code perSender} tagged values and record the seq of each.
     * With a {@code quiet} action, each sender splits its values into {@code rounds} bursts of
     * random size; after each round every sender stops and {@code quiet} runs (waiting for the
     * receivers to catch up), so the last value of each round has no later send to mask a lost
     * wake-up.
     */
    private static List<Thread> startSenders(Run run, List<Broadcast<Msg>> chans, int[][] target, int senders,
            int perSender, int pausePercent, CountDownLatch go, int[][] sentCodeBySeq, int rounds, Runnable quiet) {
        CyclicBarrier barrier = quiet == null ? null : new CyclicBarrier(senders, quiet);
        List<Thread> out = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int id = s;
            out.add(run.spawn("sender-" + id, () -> {
                Random rnd = rng(run.seed * 31 + id);
                int[] cuts = new int[barrier == null ? 1 : rounds];
                for (int k = 0; k < cuts.length - 1; k++) cuts[k] = rnd.nextInt(perSender + 1);
                cuts[cuts.length - 1] = perSender;
                Arrays.sort(cuts);
                long[] prev = new long[chans.size()];
                Arrays.fill(prev, -1);
                go.await();
                int c = 0;
                for (int k = 0; k < cuts.length && run.timeLeft(); k++) {
                    for (; c < cuts[k] && run.timeLeft(); c++) {
                        int ch = target == null ? 0 : target[id][c];
                        long seq = chans.get(ch).send(new Msg(id, c));
                        if (seq < 0) throw new AssertionError(run.ctx() + " send refused on an open channel");
                        if (seq <= prev[ch]) {
                            throw new AssertionError(run.ctx() + " sender " + id + " got seq " + seq + " after "
                                    + prev[ch] + " on channel " + ch);
                        }
                        prev[ch] = seq;
                        sentCodeBySeq[ch][(int) seq] = new Msg(id, c).code(perSender);
                        randomPause(rnd, pausePercent, 20);
                    }
                    if (barrier != null) barrier.await(run.millisLeft(), TimeUnit.MILLISECONDS);
                }
            }));
        }
        return out;
    }

    /**
     * Barrier action for a quiet point: waits (bounded) until every receiver has caught up. A
     * receiver that does not is reported by its own lost wake-up check, so this only records a
     * failure if the wait runs out well after that check would have fired.
     */
    private static Runnable quietPoint(Run run, BooleanSupplier caughtUp, Supplier<String> state, AtomicInteger count) {
        return () -> {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * WAIT_MS + 1_000);
            while (!caughtUp.getAsBoolean()) {
                if (System.nanoTime() - until > 0 || !run.timeLeft()) {
                    run.errors.add(new AssertionError(run.ctx() + " at quiet point " + count.get()
                            + " the receivers never caught up (lost wake-up?): " + state.get()));
                    return;
                }
                LockSupport.parkNanos(20_000);
            }
            count.incrementAndGet();
        };
    }

    private static String progressOf(List<Track> tracks, long tail) {
        StringBuilder sb = new StringBuilder("tail " + tail + ", positions:");
        for (Track tr : tracks) sb.append(' ').append(tr.name).append('=').append(tr.progress);
        return sb.toString();
    }

    /** Every seq in [0, total) was returned to exactly one send. */
    private static void checkSenderSeqs(Run run, Broadcast<Msg> b, int total, int[] sentCodeBySeq) {
        assertThat(b.tail()).as("%s tail after all sends", run.ctx()).isEqualTo(total);
        BitSet codes = new BitSet(total);
        for (int seq = 0; seq < total; seq++) {
            int code = sentCodeBySeq[seq];
            if (code < 0 || codes.get(code)) {
                fail("%s seq %d was %s", run.ctx(), seq, code < 0 ? "never returned by a send" : "returned twice");
            }
            codes.set(code);
        }
    }

    // ------------------------------------------------------------------ no lag: exactly once, in order

    /** Repetitions 3 and 4 of {@link #manySendersManyReceiversEveryValueExactlyOnceInOrder}, in the long run. */
    @RepeatedTest(2)
    @Tag("long")
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void manySendersManyReceiversEveryValueExactlyOnceInOrderLong(RepetitionInfo rep) throws Exception {
        manySendersManyReceiversEveryValueExactlyOnceInOrder(later(rep));
    }

    @RepeatedTest(DEFAULT_REPETITIONS)
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void manySendersManyReceiversEveryValueExactlyOnceInOrder(RepetitionInfo rep) throws Exception {
        Run run = new Run("exactlyOnce", rep);
        try {
            Random rnd = rng(run.seed);
            int senders = 4 + rnd.nextInt(5);
            int receivers = 8 + rnd.nextInt(9);
            int perSender = 1_500;
            int total = senders * perSender;
            int capacity = total; // nothing can ever lag
            run.details = senders + " senders, " + receivers + " receivers, " + total + " values, capacity " + capacity;

            Broadcast<Msg> b = new Broadcast<>(capacity);
            int[] sentCodeBySeq = new int[total];
            Arrays.fill(sentCodeBySeq, -1);
            CountDownLatch go = new CountDownLatch(1);
            List<Track> tracks = new ArrayList<>();
            List<Thread> rxThreads = new ArrayList<>();
            for (int j = 0; j < receivers; j++) {
                Receiver<Msg> rx = b.subscribe(null);
                Track tr = new Track("receiver-" + j, run, capacity, senders, perSender, 0, total);
                tracks.add(tr);
                rxThreads.add(run.spawn(tr.name, () -> {
                    for (long polls = 0; tr.expected < total && polls < 10L * total && run.timeLeft(); polls++) {
                        Received<Msg> x = rx.recv(WAIT_MS, TimeUnit.MILLISECONDS);
                        switch (x) {
                            case Entry<Msg> e -> tr.entry(e);
                            case Received.Lagged<Msg> l -> throw new AssertionError(
                                    run.ctx() + " " + tr.name + " lagged although capacity == total: " + l);
                            case Received.Closed<Msg> c -> throw new AssertionError(
                                    run.ctx() + " " + tr.name + " got Closed from an open channel at " + tr.expected);
                            case Received.Empty<Msg> e -> {
                                long t = b.tail();
                                if (t > rx.position()) {
                                    throw new AssertionError(run.ctx() + " " + tr.name + ": lost wake-up: recv waited "
                                            + WAIT_MS + " ms and returned Empty while " + (t - rx.position())
                                            + " value(s) were waiting (position " + rx.position() + ", tail " + t + ")");
                                }
                            }
                        }
                    }
                }));
            }
            AtomicInteger quietPoints = new AtomicInteger();
            Runnable quiet = quietPoint(run, () -> {
                long t = b.tail();
                for (Track tr : tracks) if (tr.progress < t) return false;
                return true;
            }, () -> progressOf(tracks, b.tail()), quietPoints);
            List<Thread> txThreads = startSenders(run, List.of(b), null, senders, perSender, 10, go,
                    new int[][] {sentCodeBySeq}, ROUNDS, quiet);
            go.countDown();

            run.join(txThreads, "senders");
            run.join(rxThreads, "receivers");
            run.requireFinishedInTime();

            assertThat(quietPoints).as(run.ctx()).hasValue(ROUNDS);
            checkSenderSeqs(run, b, total, sentCodeBySeq);
            for (Track tr : tracks) {
                assertThat(tr.received).as("%s %s values received", run.ctx(), tr.name).isEqualTo(total);
                assertThat(tr.missed).as("%s %s values missed", run.ctx(), tr.name).isZero();
                tr.checkValues(sentCodeBySeq);
                for (int s = 0; s < senders; s++) {
                    assertThat(tr.last[s]).as("%s %s last value of sender %d", run.ctx(), tr.name, s)
                            .isEqualTo(perSender - 1);
                }
            }
            b.close();
            assertThat(b.receiverCount()).as(run.ctx()).isEqualTo(receivers);
        } finally {
            run.abandon();
        }
    }

    // ------------------------------------------------------------------ small capacity, slow receivers: exact lag

    /** Repetitions 3 and 4 of {@link #slowReceiversOnASmallRingAccountForEveryValueExactly}, in the long run. */
    @RepeatedTest(2)
    @Tag("long")
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void slowReceiversOnASmallRingAccountForEveryValueExactlyLong(RepetitionInfo rep) throws Exception {
        slowReceiversOnASmallRingAccountForEveryValueExactly(later(rep));
    }

    @RepeatedTest(DEFAULT_REPETITIONS)
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void slowReceiversOnASmallRingAccountForEveryValueExactly(RepetitionInfo rep) throws Exception {
        Run run = new Run("lagAccounting", rep);
        Random rnd = rng(run.seed);
        int[] capacities = {8, 16, 5, 13};
        lagAccounting(run, rnd, capacities[rnd.nextInt(capacities.length)], 2 + rnd.nextInt(3), 4 + rnd.nextInt(5),
                40, 3_000);
    }

    /**
     * Receivers polling flat out right at the oldest end of a tiny ring while senders overwrite it:
     * the slot a receiver is about to read is overwritten between its reading the tail and reading
     * the slot, which must turn into an exact lag notice, never a wrong or stale value.
     */
    /** Repetitions 3 and 4 of {@link #fastReceiversAtTheOldestEndOfATinyRing}, in the long run. */
    @RepeatedTest(2)
    @Tag("long")
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void fastReceiversAtTheOldestEndOfATinyRingLong(RepetitionInfo rep) throws Exception {
        fastReceiversAtTheOldestEndOfATinyRing(later(rep));
    }

    @RepeatedTest(DEFAULT_REPETITIONS)
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void fastReceiversAtTheOldestEndOfATinyRing(RepetitionInfo rep) throws Exception {
        Run run = new Run("tinyRing", rep);
        Random rnd = rng(run.seed);
        lagAccounting(run, rnd, rep.getCurrentRepetition() <= 2 ? 1 : 2, 2, 2 + rnd.nextInt(3), 0, 20_000);
    }

    /**
     * Slow and fast receivers on a ring bounded in bytes as well as in count, drawing from a
     * budget that a hog thread keeps taking and giving back (as other rings would): the window is
     * shortened by weight and by the budget's refusals at random moments, and every value must
     * still be received or counted in a lag notice exactly once, in order; afterwards the budget
     * holds exactly what the ring holds, and nothing once it is discarded.
     */
    @RepeatedTest(2)
    @Tag("long")
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void byteWindowAndBudgetAccountForEveryValueExactlyLong(RepetitionInfo rep) throws Exception {
        byteWindowAndBudgetAccountForEveryValueExactly(later(rep));
    }

    @RepeatedTest(DEFAULT_REPETITIONS)
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void byteWindowAndBudgetAccountForEveryValueExactly(RepetitionInfo rep) throws Exception {
        Run run = new Run("byteWindow", rep);
        Random rnd = rng(run.seed);
        int capacity = 8 + rnd.nextInt(24);
        // weights 1..50: a window of `capacity` values weighs up to 50 * capacity
        long capacityBytes = 20 + rnd.nextInt(10 * capacity);
        MemoryBudget budget = new MemoryBudget("rings", 60 + rnd.nextInt(40 * capacity));
        lagAccounting(run, rnd, capacity, 2 + rnd.nextInt(3), 3 + rnd.nextInt(4), 30, 3_000, capacityBytes, budget);
    }

    /** A stress value's weight: 1 to 50, fixed by the value. */
    private static int weight(Msg m) {
        return 1 + Math.floorMod(m.sender() * 7919 + m.counter() * 31, 50);
    }

    private static void lagAccounting(Run run, Random rnd, int capacity, int senders, int receivers,
            int maxPausePercent, int perSender) throws Exception {
        lagAccounting(run, rnd, capacity, senders, receivers, maxPausePercent, perSender, Long.MAX_VALUE, null);
    }

    private static void lagAccounting(Run run, Random rnd, int capacity, int senders, int receivers,
            int maxPausePercent, int perSender, long capacityBytes, MemoryBudget budget) throws Exception {
        try {
            int total = senders * perSender;
            boolean bytes = budget != null || capacityBytes != Long.MAX_VALUE;
            run.details = senders + " senders, " + receivers + " receivers, " + total + " values, capacity " + capacity
                    + (bytes ? ", capacity bytes " + capacityBytes + ", budget " + budget.limit() : "");

            Broadcast<Msg> b = bytes
                    ? new Broadcast<>(capacity, capacityBytes, capacity + rnd.nextInt(3 * capacity), 100 + rnd.nextInt(500),
                            BroadcastStressTest::weight, budget, Coalescer.OFF)
                    : new Broadcast<>(capacity);
            AtomicBoolean sending = new AtomicBoolean(true);
            int[] sentCodeBySeq = new int[total];
            Arrays.fill(sentCodeBySeq, -1);
            CountDownLatch go = new CountDownLatch(1);
            List<Track> tracks = new ArrayList<>();
            List<Thread> rxThreads = new ArrayList<>();
            for (int j = 0; j < receivers; j++) {
                Receiver<Msg> rx = b.subscribe(null);
                long rxSeed = run.seed * 1_000 + j;
                // receiver 0 is as fast as it can be
                int pausePercent = j == 0 || maxPausePercent == 0 ? 0 : rnd.nextInt(maxPausePercent);
                int maxPauseMicros = 1 + rnd.nextInt(200);
                Track tr = new Track("receiver-" + j + "(seed " + rxSeed + ", "
                        + (pausePercent == 0 ? "no pauses" : "pauses " + pausePercent + "% up to " + maxPauseMicros + "us")
                        + ")", run, capacity, senders, perSender, 0, total);
                tr.byteWindow = bytes;
                tracks.add(tr);
                rxThreads.add(run.spawn("receiver-" + j, () -> {
                    Random r = rng(rxSeed);
                    for (long polls = 0; tr.expected < total && polls < 10L * total && run.timeLeft(); polls++) {
                        randomPause(r, pausePercent, maxPauseMicros);
                        // mostly poll; when there is nothing, park in recv
                        long before = b.tail();
                        Received<Msg> x = rx.poll();
                        if (x instanceof Received.Empty) {
                            before = b.tail();
                            x = rx.recv(WAIT_MS, TimeUnit.MILLISECONDS);
                        }
                        switch (x) {
                            case Entry<Msg> e -> tr.entry(e);
                            case Received.Lagged<Msg> l -> tr.lagged(l, before, b.tail());
                            case Received.Closed<Msg> c -> throw new AssertionError(
                                    run.ctx() + " " + tr.name + " got Closed from an open channel at " + tr.expected);
                            case Received.Empty<Msg> e -> {
                                long t = b.tail();
                                if (t > rx.position()) {
                                    throw new AssertionError(run.ctx() + " " + tr.name + ": lost wake-up: recv waited "
                                            + WAIT_MS + " ms and returned Empty while values were waiting (position "
                                            + rx.position() + ", tail " + t + ")");
                                }
                            }
                        }
                    }
                }));
            }
            List<Thread> txThreads = startSenders(run, List.of(b), null, senders, perSender, 5, go,
                    new int[][] {sentCodeBySeq}, 0, null);
            List<Thread> hog = new ArrayList<>();
            if (budget != null) {
                // Other rings: takes and gives back up to all but the heaviest value's weight, so a
                // send always fits once its ring has dropped everything else.
                long hogSeed = run.seed * 7 + 3;
                hog.add(run.spawn("hog", () -> {
                    Random r = rng(hogSeed);
                    while (sending.get() && run.timeLeft()) {
                        long take = r.nextInt((int) Math.max(1, budget.limit() - 50));
                        if (budget.tryReserve(take)) {
                            randomPause(r, 50, 50);
                            budget.release(take);
                        }
                        randomPause(r, 50, 50);
                    }
                }));
            }
            go.countDown();

            run.join(txThreads, "senders");
            sending.set(false);
            run.join(hog, "hog");
            run.join(rxThreads, "receivers");
            run.requireFinishedInTime();
            if (budget != null) {
                assertThat(budget.used()).as("%s the budget lends exactly what the ring holds", run.ctx())
                        .isEqualTo(b.heldWeight());
                assertThat(budget.used()).as("%s within its limit", run.ctx()).isLessThanOrEqualTo(budget.limit());
            }

            checkSenderSeqs(run, b, total, sentCodeBySeq);
            StringBuilder summary = new StringBuilder();
            for (Track tr : tracks) {
                summary.append(String.format("%n  %s: received %d, missed %d in %d lag notices", tr.name, tr.received,
                        tr.missed, tr.lagNotices));
            }
            System.out.println("lag accounting " + run.ctx() + summary);
            if (budget != null) {
                b.discard();
                assertThat(budget.used()).as("%s a discarded ring gives everything back", run.ctx()).isZero();
            }
            for (Track tr : tracks) {
                assertThat(tr.expected).as("%s %s reached the end", run.ctx(), tr.name).isEqualTo(total);
                assertThat(tr.received + tr.missed)
                        .as("%s %s: received %d + missed %d (in %d lag notices) must equal sent", run.ctx(), tr.name,
                                tr.received, tr.missed, tr.lagNotices)
                        .isEqualTo(total);
                tr.checkValues(sentCodeBySeq);
                if (bytes) {
                    assertThat(tr.codeBySeq[total - 1]).as("%s %s the newest value is always delivered", run.ctx(), tr.name)
                            .isEqualTo(sentCodeBySeq[total - 1]);
                    continue;
                }
                assertThat(tr.received).as("%s %s at least the last `capacity` values are received", run.ctx(), tr.name)
                        .isGreaterThanOrEqualTo(capacity);
                for (int seq = total - capacity; seq < total; seq++) {
                    assertThat(tr.codeBySeq[seq]).as("%s %s the held tail seq %d is always delivered", run.ctx(),
                            tr.name, seq).isEqualTo(sentCodeBySeq[seq]);
                }
            }
        } finally {
            run.abandon();
        }
    }

    // ------------------------------------------------------------------ listener-driven consumers

    /** Signals a consumer thread the way a connection writer is signalled: a flag, then an unpark. */
    static final class Signal implements Wakeable {
        final AtomicBoolean pending = new AtomicBoolean();
        volatile Thread owner;

        @Override
        public void wake() {
            if (!pending.getAndSet(true)) {
                Thread t = owner;
                if (t != null) LockSupport.unpark(t);
            }
        }
    }

    /** Repetitions 3 and 4 of {@link #listenerDrivenConsumersMissNoWakeUp}, in the long run. */
    @RepeatedTest(2)
    @Tag("long")
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void listenerDrivenConsumersMissNoWakeUpLong(RepetitionInfo rep) throws Exception {
        listenerDrivenConsumersMissNoWakeUp(later(rep));
    }

    @RepeatedTest(DEFAULT_REPETITIONS)
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void listenerDrivenConsumersMissNoWakeUp(RepetitionInfo rep) throws Exception {
        listenerDrivenConsumers(new Run("listener", rep), Coalescer.OFF);
    }

    /** The same with wakes paced by a coalescer: a deferred wake is still a wake, never a lost one. */
    /** Repetitions 3 and 4 of {@link #coalescedWakesMissNoWakeUp}, in the long run. */
    @RepeatedTest(2)
    @Tag("long")
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void coalescedWakesMissNoWakeUpLong(RepetitionInfo rep) throws Exception {
        coalescedWakesMissNoWakeUp(later(rep));
    }

    @RepeatedTest(DEFAULT_REPETITIONS)
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void coalescedWakesMissNoWakeUp(RepetitionInfo rep) throws Exception {
        try (Coalescer coalescer = new Coalescer(java.time.Duration.ofMillis(2))) {
            listenerDrivenConsumers(new Run("coalesced", rep), coalescer);
        }
    }

    private static void listenerDrivenConsumers(Run run, Coalescer coalescer) throws Exception {
        try {
            Random rnd = rng(run.seed);
            int channels = 1 + rnd.nextInt(3);
            int senders = 2 + rnd.nextInt(4);
            int consumers = 4 + rnd.nextInt(5);
            int perSender = 2_000;
            int total = senders * perSender;
            run.details = channels + " channels, " + senders + " senders, " + consumers + " consumers, " + total
                    + " values";

            // Where each value goes is fixed up front, so each channel's total is known.
            int[][] target = new int[senders][perSender];
            int[] perChannel = new int[channels];
            for (int s = 0; s < senders; s++) {
                for (int c = 0; c < perSender; c++) {
                    target[s][c] = rnd.nextInt(channels);
                    perChannel[target[s][c]]++;
                }
            }
            List<Broadcast<Msg>> chans = new ArrayList<>();
            for (int ch = 0; ch < channels; ch++) {
                int capacity = Math.max(1, perChannel[ch]);
                chans.add(new Broadcast<>(capacity, capacity, Long.MAX_VALUE, m -> 0, coalescer));
            }

            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch consumersReady = new CountDownLatch(consumers);
            List<Thread> cThreads = new ArrayList<>();
            List<List<Track>> tracksByConsumer = new ArrayList<>();
            for (int k = 0; k < consumers; k++) {
                int id = k;
                Signal signal = new Signal();
                List<Receiver<Msg>> rxs = new ArrayList<>();
                List<Track> tracks = new ArrayList<>();
                for (int ch = 0; ch < channels; ch++) {
                    rxs.add(chans.get(ch).subscribe(signal));
                    Track tr = new Track("consumer-" + id + "/channel-" + ch, run, Math.max(1, perChannel[ch]), senders,
                            perSender, 0, Math.max(1, perChannel[ch]));
                    // each sender spreads its values over the channels: per channel its counters
                    // only increase; the per-seq check against the senders' record is exact
                    tr.skipsAllowed = true;
                    Arrays.fill(tr.gapAllowed, true);
                    tracks.add(tr);
                }
                cThreads.add(run.spawn("consumer-" + id, () -> {
                    signal.owner = Thread.currentThread();
                    consumersReady.countDown();
                    for (int rounds = 0; rounds < 10 * total + 100 && run.timeLeft(); rounds++) {
                        signal.pending.set(false); // clear before looking, so a wake during the look is kept
                        boolean done = true;
                        boolean batchFull = false;
                        for (int ch = 0; ch < channels; ch++) {
                            Receiver<Msg> rx = rxs.get(ch);
                            Track tr = tracks.get(ch);
                            int n = 0;
                            for (; n < 64; n++) { // a batch per channel, as the server's writer does
                                Received<Msg> x = rx.poll();
                                if (x instanceof Entry<Msg> e) {
                                    tr.entry(e);
                                } else if (x instanceof Received.Empty) {
                                    break;
                                } else {
                                    throw new AssertionError(run.ctx() + " " + tr.name + " unexpected " + x);
                                }
                            }
                            if (n == 64) batchFull = true;
                            if (tr.expected < perChannel[ch]) done = false;
                        }
                        if (done) return;
                        // Only the signal may tell the consumer to look again: checking the channels
                        // here would hide a lost wake-up.
                        if (batchFull || signal.pending.get()) continue;
                        LockSupport.parkNanos(signal, TimeUnit.MILLISECONDS.toNanos(WAIT_MS));
                        if (!signal.pending.get() && anyWaiting(rxs)) {
                            // Woken by the timeout (or spuriously) with values waiting and no signal.
                            // Allow a sender caught between publishing and calling wake() to finish.
                            long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
                            while (!signal.pending.get() && System.nanoTime() - graceEnd < 0) {
                                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                            }
                            if (!signal.pending.get()) {
                                throw new AssertionError(run.ctx() + " consumer-" + id
                                        + ": lost wake-up: values waiting but no wake-up came after they became visible; positions "
                                        + positions(rxs));
                            }
                        }
                    }
                    throw new AssertionError(run.ctx() + " consumer-" + id + " did not finish; positions "
                            + positions(rxs));
                }));
                tracksByConsumer.add(tracks);
            }
            consumersReady.await(run.millisLeft(), TimeUnit.MILLISECONDS);

            int[][] sentCodeBySeq = new int[channels][];
            for (int ch = 0; ch < channels; ch++) {
                sentCodeBySeq[ch] = new int[Math.max(1, perChannel[ch])];
                Arrays.fill(sentCodeBySeq[ch], -1);
            }
            AtomicInteger quietPoints = new AtomicInteger();
            Runnable quiet = quietPoint(run, () -> {
                for (List<Track> tracks : tracksByConsumer) {
                    for (int ch = 0; ch < channels; ch++) {
                        if (tracks.get(ch).progress < chans.get(ch).tail()) return false;
                    }
                }
                return true;
            }, () -> {
                StringBuilder sb = new StringBuilder();
                for (int ch = 0; ch < channels; ch++) {
                    List<Track> col = new ArrayList<>();
                    for (List<Track> tracks : tracksByConsumer) col.add(tracks.get(ch));
                    sb.append(progressOf(col, chans.get(ch).tail())).append("; ");
                }
                return sb.toString();
            }, quietPoints);
            List<Thread> txThreads = startSenders(run, chans, target, senders, perSender, 10, go, sentCodeBySeq, ROUNDS,
                    quiet);
            go.countDown();

            run.join(txThreads, "senders");
            run.join(cThreads, "consumers");
            run.requireFinishedInTime();
            assertThat(quietPoints).as(run.ctx()).hasValue(ROUNDS);
            for (int k = 0; k < consumers; k++) {
                for (int ch = 0; ch < channels; ch++) {
                    Track tr = tracksByConsumer.get(k).get(ch);
                    assertThat(tr.received).as("%s %s received", run.ctx(), tr.name).isEqualTo(perChannel[ch]);
                    tr.checkValues(sentCodeBySeq[ch]);
                }
            }
        } finally {
            run.abandon();
        }
    }

    private static boolean anyWaiting(List<Receiver<Msg>> rxs) {
        for (Receiver<Msg> rx : rxs) {
            if (rx.backlog() > 0) return true;
        }
        return false;
    }

    private static String positions(List<Receiver<Msg>> rxs) {
        StringBuilder sb = new StringBuilder();
        for (Receiver<Msg> rx : rxs) sb.append(rx.position()).append('/').append(rx.channel().tail()).append(' ');
        return sb.toString().trim();
    }

    // ------------------------------------------------------------------ close racing parked receivers

    /** Repetitions 3 and 4 of {@link #channelCloseReleasesReceiversParkedInRecv}, in the long run. */
    @RepeatedTest(2)
    @Tag("long")
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void channelCloseReleasesReceiversParkedInRecvLong(RepetitionInfo rep) throws Exception {
        channelCloseReleasesReceiversParkedInRecv(later(rep));
    }

    @RepeatedTest(DEFAULT_REPETITIONS)
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void channelCloseReleasesReceiversParkedInRecv(RepetitionInfo rep) throws Exception {
        closeRacingParkedReceivers(new Run("channelClose", rep), false);
    }

    /** Repetitions 3 and 4 of {@link #receiverCloseReleasesAReceiverParkedInRecv}, in the long run. */
    @RepeatedTest(2)
    @Tag("long")
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void receiverCloseReleasesAReceiverParkedInRecvLong(RepetitionInfo rep) throws Exception {
        receiverCloseReleasesAReceiverParkedInRecv(later(rep));
    }

    @RepeatedTest(DEFAULT_REPETITIONS)
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void receiverCloseReleasesAReceiverParkedInRecv(RepetitionInfo rep) throws Exception {
        closeRacingParkedReceivers(new Run("receiverClose", rep), true);
    }

    /**
     * Receivers block in {@code recv()} (no timeout: a lost wake-up would leave them there), then
     * another thread closes the channel or each receiver, at a random moment: before they park,
     * while they park, or once they are parked.
     */
    private static void closeRacingParkedReceivers(Run run, boolean closeReceivers) throws Exception {
        try {
            Random rnd = rng(run.seed);
            int iterations = 150;
            int done = 0;
            for (int it = 0; it < iterations && run.timeLeft(); it++, done++) {
                int held = rnd.nextInt(4); // sent before the receivers start: drained, then Closed
                int nRx = 1 + rnd.nextInt(3);
                int mode = rnd.nextInt(3);
                run.details = "iteration " + it + ", " + nRx + " receivers, " + held + " held, "
                        + (closeReceivers ? "Receiver.close" : "Broadcast.close") + ", "
                        + new String[] {"close at once", "close after a random spin", "close once parked"}[mode];

                Broadcast<Integer> b = new Broadcast<>(4);
                List<Receiver<Integer>> rxs = new ArrayList<>();
                for (int j = 0; j < nRx; j++) rxs.add(b.subscribe(null));
                for (int v = 0; v < held; v++) b.send(v);

                AtomicReferenceArray<Received<Integer>> last = new AtomicReferenceArray<>(nRx);
                int[] values = new int[nRx];
                List<Thread> rxThreads = new ArrayList<>();
                for (int j = 0; j < nRx; j++) {
                    int id = j;
                    Receiver<Integer> rx = rxs.get(j);
                    rxThreads.add(run.spawn("receiver-" + it + "-" + id, () -> {
                        for (int n = 0; n < 100; n++) {
                            Received<Integer> x = rx.recv(); // parks with no timeout
                            if (x instanceof Entry<Integer>) {
                                values[id]++;
                            } else {
                                last.set(id, x);
                                return;
                            }
                        }
                    }));
                }
                switch (mode) {
                    case 0 -> {}
                    case 1 -> {
                        int spins = rnd.nextInt(50_000);
                        for (int s = 0; s < spins; s++) Thread.onSpinWait();
                    }
                    default -> {
                        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                        for (int j = 0; j < nRx; j++) {
                            while (LockSupport.getBlocker(rxThreads.get(j)) != rxs.get(j)
                                    && rxThreads.get(j).isAlive() && System.nanoTime() - until < 0) {
                                Thread.onSpinWait();
                            }
                        }
                    }
                }
                Thread closer = run.spawn("closer-" + it, () -> {
                    if (closeReceivers) {
                        for (Receiver<Integer> rx : rxs) rx.close();
                    } else {
                        b.close();
                    }
                });
                List<Thread> these = new ArrayList<>(rxThreads);
                these.add(closer);
                run.join(these, "receivers/closer");
                run.checkErrors();
                for (int j = 0; j < nRx; j++) {
                    assertThat(last.get(j)).as("%s receiver %d ended with", run.ctx(), j)
                            .isInstanceOf(Received.Closed.class);
                    if (!closeReceivers) {
                        // channel close: everything held was drained first
                        assertThat(values[j]).as("%s receiver %d values before Closed", run.ctx(), j).isEqualTo(held);
                    } else {
                        assertThat(values[j]).as("%s receiver %d values before Closed", run.ctx(), j)
                                .isBetween(0, held);
                    }
                }
                if (closeReceivers) {
                    assertThat(b.receiverCount()).as("%s receivers left", run.ctx()).isZero();
                    assertThat(b.isClosed()).as(run.ctx()).isFalse();
                } else {
                    assertThat(b.isClosed()).as(run.ctx()).isTrue();
                }
                run.threads.clear();
            }
            assertThat(done).as("%s iterations run", run.ctx()).isPositive();
        } finally {
            run.abandon();
        }
    }

    @RepeatedTest(2)
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void interruptReleasesAReceiverParkedInRecv(RepetitionInfo rep) throws Exception {
        Run run = new Run("interrupt", rep);
        try {
            for (int it = 0; it < 50 && run.timeLeft(); it++) {
                Broadcast<Integer> b = new Broadcast<>(4);
                Receiver<Integer> rx = b.subscribe(null);
                AtomicReferenceArray<Object> outcome = new AtomicReferenceArray<>(1);
                Thread t = run.spawn("receiver-" + it, () -> {
                    try {
                        outcome.set(0, rx.recv());
                    } catch (InterruptedException e) {
                        outcome.set(0, e);
                    }
                });
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (LockSupport.getBlocker(t) != rx && System.nanoTime() - until < 0) Thread.onSpinWait();
                t.interrupt();
                run.join(List.of(t), "receiver");
                run.checkErrors();
                assertThat(outcome.get(0)).as("%s iteration %d", run.ctx(), it).isInstanceOf(InterruptedException.class);
                run.threads.clear();
            }
        } finally {
            run.abandon();
        }
    }

    // ------------------------------------------------------------------ subscribe / unsubscribe churn

    /** Repetitions 3 and 4 of {@link #subscribeAndUnsubscribeRacingSends}, in the long run. */
    @RepeatedTest(2)
    @Tag("long")
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void subscribeAndUnsubscribeRacingSendsLong(RepetitionInfo rep) throws Exception {
        subscribeAndUnsubscribeRacingSends(later(rep));
    }

    @RepeatedTest(DEFAULT_REPETITIONS)
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void subscribeAndUnsubscribeRacingSends(RepetitionInfo rep) throws Exception {
        Run run = new Run("churn", rep);
        try {
            Random rnd = rng(run.seed);
            int capacity = 1 + rnd.nextInt(64);
            int senders = 2 + rnd.nextInt(2);
            int churners = 3 + rnd.nextInt(4);
            int perSender = 20_000;
            int total = senders * perSender;
            int rounds = 300;
            run.details = "capacity " + capacity + ", " + senders + " senders, " + churners + " churners";

            Broadcast<Msg> b = new Broadcast<>(capacity);
            int[] sentCodeBySeq = new int[total];
            Arrays.fill(sentCodeBySeq, -1);
            CountDownLatch go = new CountDownLatch(1);
            AtomicBoolean churnDone = new AtomicBoolean();
            AtomicInteger subscriptions = new AtomicInteger();
            AtomicInteger listenerCalls = new AtomicInteger();
            List<Thread> txThreads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int id = s;
                txThreads.add(run.spawn("sender-" + id, () -> {
                    Random r = rng(run.seed * 31 + id);
                    go.await();
                    for (int c = 0; c < perSender && !churnDone.get() && run.timeLeft(); c++) {
                        long seq = b.send(new Msg(id, c));
                        if (seq < 0) throw new AssertionError(run.ctx() + " send refused on an open channel");
                        sentCodeBySeq[(int) seq] = new Msg(id, c).code(perSender);
                        randomPause(r, 2, 20);
                    }
                }));
            }
            List<Thread> chThreads = new ArrayList<>();
            List<List<Track>> allTracks = new ArrayList<>();
            for (int k = 0; k < churners; k++) {
                int id = k;
                List<Track> mine = new ArrayList<>();
                allTracks.add(mine);
                chThreads.add(run.spawn("churner-" + id, () -> {
                    Random r = rng(run.seed * 1_000 + id);
                    go.await();
                    for (int round = 0; round < rounds && run.timeLeft(); round++) {
                        long backlog = r.nextInt(3) == 0 ? 0 : r.nextInt(2 * capacity + 1);
                        Wakeable listener = r.nextBoolean() ? listenerCalls::incrementAndGet : null;
                        long tailBefore = b.tail();
                        Receiver<Msg> rx = b.subscribe(listener, backlog);
                        long tailAfter = b.tail();
                        long start = rx.position();
                        subscriptions.incrementAndGet();
                        // start = max(0, T - min(backlog, capacity)) for the tail T at some instant
                        // during the call, and that is monotonic in T
                        long lo = Math.max(0, tailBefore - Math.min(backlog, capacity));
                        long hi = Math.max(0, tailAfter - Math.min(backlog, capacity));
                        if (start < lo || start > hi) {
                            throw new AssertionError(run.ctx() + " churner-" + id + " subscribe(backlog " + backlog
                                    + ") started at " + start + " but tail was " + tailBefore + ".." + tailAfter
                                    + " and capacity is " + capacity + ": expected " + lo + ".." + hi);
                        }
                        Track tr = new Track("churner-" + id + "/round-" + round, run, capacity, senders, perSender,
                                start, round % 50 == 0 ? total : 0);
                        // the first value for this sender may be any, not the next of an earlier one
                        Arrays.fill(tr.gapAllowed, true);
                        int polls = r.nextInt(40);
                        for (int p = 0; p < polls; p++) {
                            long before = b.tail();
                            Received<Msg> x = r.nextInt(10) == 0 ? rx.recv(1, TimeUnit.MILLISECONDS) : rx.poll();
                            switch (x) {
                                case Entry<Msg> e -> tr.entry(e);
                                case Received.Lagged<Msg> l -> tr.lagged(l, before, b.tail());
                                case Received.Empty<Msg> e -> {}
                                case Received.Closed<Msg> c -> throw new AssertionError(
                                        run.ctx() + " " + tr.name + " Closed before close");
                            }
                            randomPause(r, 5, 20);
                        }
                        rx.close();
                        if (!(rx.poll() instanceof Received.Closed)) {
                            throw new AssertionError(run.ctx() + " " + tr.name + " poll after close was not Closed");
                        }
                        if (round % 50 == 0) mine.add(tr);
                    }
                }));
            }
            go.countDown();
            run.join(chThreads, "churners");
            churnDone.set(true);
            run.join(txThreads, "senders");
            run.requireFinishedInTime();

            assertThat(b.receiverCount()).as("%s receivers left after %d subscriptions", run.ctx(), subscriptions.get())
                    .isZero();
            int sent = (int) b.tail();
            int[] prefix = Arrays.copyOf(sentCodeBySeq, sent);
            for (int seq = 0; seq < sent; seq++) {
                assertThat(prefix[seq]).as("%s seq %d returned to a sender", run.ctx(), seq).isNotNegative();
            }
            for (List<Track> mine : allTracks) {
                for (Track tr : mine) tr.checkValues(sentCodeBySeq);
            }
            // with nobody subscribed, a send wakes nobody
            int calls = listenerCalls.get();
            b.send(new Msg(0, perSender));
            assertThat(listenerCalls).as(run.ctx()).hasValue(calls);
        } finally {
            run.abandon();
        }
    }

    // ------------------------------------------------------------------ close racing the last send

    /** Iterations of {@link #closeRightAfterASend} in the default run, and in the long run (tag {@code long}). */
    private static final int CLOSE_AFTER_SEND = 2_000, CLOSE_AFTER_SEND_LONG = 20_000;

    /**
     * A receiver polls while another thread sends one value and then closes the channel. The
     * contract: a receiver gets {@code Closed} only after draining what is held, so the first
     * non-Empty result must be the value. The default run tries {@value #CLOSE_AFTER_SEND} times;
     * the long run ({@code -P long-tests}, which CI runs) ten times as many.
     */
    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void closeRightAfterASendNeverHidesTheValue() throws Exception {
        closeRightAfterASend(new Run("closeAfterSend", BASE_SEED, Kind.PLATFORM), CLOSE_AFTER_SEND);
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void closeRightAfterASendNeverHidesTheValueVirtual() throws Exception {
        closeRightAfterASend(new Run("closeAfterSend", BASE_SEED + 1, Kind.VIRTUAL), CLOSE_AFTER_SEND);
    }

    @Test
    @Tag("long")
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void closeRightAfterASendNeverHidesTheValueLong() throws Exception {
        closeRightAfterASend(new Run("closeAfterSendLong", BASE_SEED, Kind.PLATFORM), CLOSE_AFTER_SEND_LONG);
    }

    @Test
    @Tag("long")
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void closeRightAfterASendNeverHidesTheValueVirtualLong() throws Exception {
        closeRightAfterASend(new Run("closeAfterSendLong", BASE_SEED + 1, Kind.VIRTUAL), CLOSE_AFTER_SEND_LONG);
    }

    private static void closeRightAfterASend(Run run, int iterations) throws Exception {
        try {
            Random rnd = rng(run.seed);
            for (int it = 0; it < iterations && run.timeLeft(); it++) {
                Broadcast<Integer> b = new Broadcast<>(4);
                Receiver<Integer> rx = b.subscribe(null);
                AtomicReferenceArray<Received<Integer>> seen = new AtomicReferenceArray<>(2);
                CountDownLatch polling = new CountDownLatch(1);
                Thread poller = run.spawn("poller-" + it, () -> {
                    polling.countDown();
                    for (int k = 0; k < 2; k++) { // the first two non-Empty results
                        Received<Integer> x = rx.poll();
                        for (long n = 0; x instanceof Received.Empty && n < 1_000_000_000L && run.timeLeft(); n++) {
                            x = rx.poll();
                        }
                        seen.set(k, x);
                    }
                });
                polling.await();
                int spins = rnd.nextInt(2_000);
                run.details = "iteration " + it + ", spins " + spins;
                for (int s = 0; s < spins; s++) Thread.onSpinWait();
                b.send(it);
                b.close();
                run.join(List.of(poller), "poller");
                run.checkErrors();
                if (!run.timeLeft()) break; // the poller may have given up mid-iteration: nothing to judge
                assertThat(seen.get(0))
                        .as("%s first non-Empty result after send(%d) then close(); the next one was %s",
                                run.ctx(), it, seen.get(1))
                        .isEqualTo(new Entry<>(0L, it));
                assertThat(seen.get(1)).as("%s after the value", run.ctx()).isInstanceOf(Received.Closed.class);
                run.threads.clear();
            }
        } finally {
            run.abandon();
        }
    }
}
