package parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.broadcast.Coalescer;
import parley.protocol.Codec;

/**
 * The connection's writer driven through a scripted {@link ScriptedSink}, no sockets: what is
 * written and in which order, inline writes and their hand-over to the writer thread, blocking and
 * failing writes, back-pressure on the reader, finishing, retiring, and the write deadline.
 *
 * <p>Groups are real ({@link Group} and its ring), subscribed without a listener so that each test
 * says itself when the outbound is woken ({@link Outbound#wake} or {@link Outbound#wakeInline}),
 * except where a test lets the ring wake it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OutboundTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Metrics metrics = new Metrics();
    private final ScriptedSink sink = new ScriptedSink();
    private final AtomicInteger failures = new AtomicInteger();
    private Outbound out;

    @AfterEach
    void stop() {
        sink.open();
        if (out != null) out.close();
    }

    private Outbound outbound(ServerConfig config) {
        out = new Outbound(sink, config, metrics, failures::incrementAndGet);
        return out;
    }

    private Outbound outbound() {
        return outbound(ServerConfig.defaults());
    }

    private static Group group(String name, ServerConfig config) {
        return new Group(name, config, Coalescer.OFF);
    }

    /**
     * Joins {@code g} without a listener: only the test wakes the outbound. Returns once the wake
     * the join gives has been dealt with (the role free, or its writer parked), so what the test
     * does next is not raced by that wake.
     */
    private static Outbound.Sub join(Outbound o, Group g) {
        Outbound.Sub sub = new Outbound.Sub(new GroupTable.Membership(g, g.channel().subscribe(null, 0)));
        o.add(sub);
        await().atMost(WAIT).until(() -> o.roleState().equals("IDLE") || o.roleState().equals("PARKED"));
        return sub;
    }

    private static void post(Group g, String text) {
        sendOnWriterThreads(g, new Posted(g.name(), text, "bob"));
    }

    private static String msg(String group, String text) {
        return new String(Codec.encodeMessage(group, text), StandardCharsets.UTF_8);
    }

    private static String err(String text) {
        return new String(Codec.encodeError(text), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void awaitText(String expected) {
        await().atMost(WAIT).until(() -> sink.text().length() >= expected.length());
        assertThat(sink.text()).isEqualTo(expected);
    }

    private void awaitRole(String state) {
        await().atMost(WAIT).until(() -> out.roleState().equals(state));
    }

    @Test
    void theWriterThreadWritesGroupMessagesInOrderInOneBatch() {
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        join(o, g);
        post(g, "m1");
        post(g, "m2");
        post(g, "m3");
        o.wake();
        awaitText(msg("g", "m1") + msg("g", "m2") + msg("g", "m3"));
        awaitRole("PARKED");
        assertThat(sink.writes.get()).isEqualTo(1);
        assertThat(metrics.writes()).isEqualTo(1);
        assertThat(metrics.deliveries()).isEqualTo(3);
        assertThat(sink.lastWriter.getName()).isEqualTo("parley-writer");
        assertThat(sink.lastWriter.isVirtual()).isTrue();
    }

    @Test
    void aQuietSendIsWrittenInlineOnTheSendersThreadWithoutAWriterThread() {
        sink.canTry = true;
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        join(o, g);
        post(g, "m1");
        o.wakeInline();
        // Synchronous: written before wakeInline returned, by this thread, and the role is free again.
        assertThat(sink.text()).isEqualTo(msg("g", "m1"));
        assertThat(sink.lastTryWriter).isSameAs(Thread.currentThread());
        assertThat(o.roleState()).isEqualTo("IDLE");
        assertThat(sink.writes.get()).isZero();
        assertThat(metrics.writes()).isEqualTo(1);
        assertThat(metrics.deliveries()).isEqualTo(1);
        assertThat(o.backlogBytes()).isZero();
    }

    @Test
    void aPartialInlineWriteLeavesTheRestToTheWriterThread() {
        sink.canTry = true;
        sink.tryTakes = 5;
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        join(o, g);
        post(g, "m1");
        post(g, "m2");
        o.wakeInline();
        awaitText(msg("g", "m1") + msg("g", "m2"));
        assertThat(sink.tryWrites.get()).isEqualTo(1);
        assertThat(sink.writes.get()).isEqualTo(1);
        assertThat(sink.lastWriter.getName()).isEqualTo("parley-writer");
        // The inline write counted the messages with its 5 bytes; the writer thread's write the rest.
        await().atMost(WAIT).until(() -> metrics.writes() == 2);
        assertThat(metrics.deliveries()).isEqualTo(2);
        assertThat(metrics.bytesOut()).isEqualTo(sink.text().length());
    }

    @Test
    void aTryWriteThatTakesNothingLeavesEverythingToTheWriterThread() {
        sink.canTry = true;
        sink.tryTakes = 0;
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        join(o, g);
        post(g, "m1");
        o.wakeInline();
        awaitText(msg("g", "m1"));
        assertThat(sink.tryWrites.get()).isEqualTo(1);
        assertThat(sink.writes.get()).isEqualTo(1);
        // Nothing was counted inline: the writer thread's one write counts the message.
        await().atMost(WAIT).until(() -> metrics.writes() == 1);
        assertThat(metrics.deliveries()).isEqualTo(1);
    }

    @Test
    void aTryWriteThatRefusesLeavesEverythingToTheWriterThread() {
        sink.canTry = true;
        sink.tryTakes = -1; // full, broken or closed: -1
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        join(o, g);
        post(g, "m1");
        o.wakeInline();
        awaitText(msg("g", "m1"));
        await().atMost(WAIT).until(() -> metrics.writes() == 1);
        assertThat(metrics.deliveries()).isEqualTo(1);
        assertThat(metrics.bytesOut()).isEqualTo(sink.text().length());
    }

    @Test
    void anInlineTurnStopsAtItsBudgetAndTheWriterThreadWritesTheRest() {
        sink.canTry = true;
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        join(o, g);
        StringBuilder expected = new StringBuilder();
        String body = "x".repeat(1000);
        for (int i = 0; i < 40; i++) { // about 40 KB, over the 16 KB inline budget
            post(g, i + body);
            expected.append(msg("g", i + body));
        }
        o.wakeInline();
        awaitText(expected.toString());
        assertThat(sink.tryWrites.get()).isEqualTo(1);
        assertThat(sink.writes.get()).isPositive();
        await().atMost(WAIT).until(() -> metrics.deliveries() == 40);
    }

    @Test
    void aBlockingWriteIsTimedForTheDeadlineUntilItIsReleased() throws Exception {
        sink.hold();
        sink.step = 4;
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        join(o, g);
        post(g, "m1");
        assertThat(o.blockedFor(System.nanoTime())).isZero();
        o.wake();
        assertThat(sink.waiting.await(10, TimeUnit.SECONDS)).isTrue();
        long t = System.nanoTime();
        long first = o.blockedFor(t);
        assertThat(first).isPositive();
        assertThat(o.blockedFor(t + 1_000_000_000L)).isEqualTo(first + 1_000_000_000L); // grows with time
        // Housekeeping saw the client take some: the deadline counts from then.
        o.progressed(t + 5_000_000_000L);
        assertThat(o.blockedFor(t + 5_000_000_100L)).isLessThanOrEqualTo(100);
        // The sink reports progress itself between steps: the deadline moves on to that moment.
        sink.allow(1);
        await().atMost(WAIT).until(() -> o.blockedFor(t + 5_000_000_100L) > 1000);
        assertThat(sink.text()).hasSize(4);
        sink.open();
        awaitText(msg("g", "m1"));
        awaitRole("PARKED");
        assertThat(o.blockedFor(System.nanoTime())).isZero();
        o.progressed(System.nanoTime()); // a late sample of an ended write changes nothing
        assertThat(o.blockedFor(System.nanoTime())).isZero();
    }

    @Test
    void aWriteThatThrowsClosesTheWriterAndReportsTheFailure() throws Exception {
        sink.failNext = new IOException("broken pipe");
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        join(o, g);
        post(g, "m1");
        o.wake();
        await().atMost(WAIT).until(() -> failures.get() == 1);
        assertThat(o.roleState()).isEqualTo("CLOSED");
        assertThat(o.finish(Duration.ofSeconds(1))).isTrue(); // nothing left to wait for
        // Closed for good: later output starts no writer and writes nothing.
        post(g, "m2");
        o.wake();
        o.notice(bytes(err("late")));
        Thread.sleep(50);
        assertThat(sink.writes.get()).isEqualTo(1);
        assertThat(sink.text()).isEmpty();
        assertThat(failures.get()).isEqualTo(1);
        await().atMost(WAIT).until(() -> sink.idles.get() == 1); // the buffer was dropped
    }

    @Test
    void aReplyGoesOutAfterTheGroupMessagesQueuedBeforeIt() throws Exception {
        sink.hold();
        Outbound o = outbound();
        ServerConfig c = ServerConfig.defaults();
        Group a = group("a", c);
        Group b = group("b", c);
        join(o, a);
        join(o, b);
        post(a, "a1");
        o.wake();
        assertThat(sink.waiting.await(10, TimeUnit.SECONDS)).isTrue(); // the writer is stuck writing a1
        post(a, "a2");
        post(b, "b1");
        o.reply(bytes(err("after a2 and b1")));
        post(a, "a3");
        post(b, "b2");
        o.notice(bytes(err("after a3 and b2")));
        post(a, "a4");
        sink.open();
        awaitText(msg("a", "a1") + msg("a", "a2") + msg("b", "b1") + err("after a2 and b1")
                + msg("a", "a3") + msg("b", "b2") + err("after a3 and b2") + msg("a", "a4"));
        assertThat(metrics.deliveries()).isEqualTo(6);
    }

    @Test
    void repliesSharingASnapshotKeepTheirOrderAndGiveTheBudgetBack() throws Exception {
        sink.hold();
        parley.budget.MemoryBudget budget = new parley.budget.MemoryBudget("replies", 1 << 20);
        ServerConfig c = ServerConfig.defaults();
        Outbound o = out = new Outbound(sink, c, metrics, failures::incrementAndGet, budget);
        Group a = group("a", c);
        join(o, a);
        post(a, "a1");
        o.wake();
        assertThat(sink.waiting.await(10, TimeUnit.SECONDS)).isTrue(); // the writer is stuck writing a1
        post(a, "a2");
        o.reply(bytes(err("e1")));
        o.reply(bytes(err("e2"))); // nothing moved: shares e1's snapshot
        post(a, "a3");
        o.reply(bytes(err("e3"))); // a moved: a snapshot of its own, after a3
        assertThat(budget.used()).isPositive();
        sink.open();
        awaitText(msg("a", "a1") + msg("a", "a2") + err("e1") + err("e2") + msg("a", "a3") + err("e3"));
        await().atMost(WAIT).until(() -> budget.used() == 0);
    }

    @Test
    void extendedClientsGetTheExtendedForm() {
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        join(o, g);
        o.useExtendedProtocol();
        assertThat(o.extended()).isTrue();
        sendOnWriterThreads(g, new Posted(g.name(), "m1", "bob", 0, 0, 1_765_100_000_123L));
        o.wake();
        awaitText(new String(Codec.encodeMessage("g", "m1", "bob", 1, 1_765_100_000_123L), StandardCharsets.UTF_8));
    }

    @Test
    void aBookMemberNeverGetsEventsAndIsNotToldItMissedThem() throws Exception {
        ServerConfig c = ServerConfig.builder().groupCapacity(4).historyMessages(4).build();
        sink.hold();
        Outbound o = outbound(c);
        Group g = group("g", c);
        join(o, g);
        post(g, "first");
        o.wake();
        assertThat(sink.waiting.await(10, TimeUnit.SECONDS)).isTrue();
        var event = new parley.protocol.FromServer.GroupEvent("g", "kick", "alice", "carol", null, null, 0, null, 0, 0);
        int messages = 1;
        for (int i = 0; i < 20; i++) {
            if (i % 3 == 0) {
                g.postEvent(event, 1_765_100_000_000L);
            } else {
                post(g, "n" + i);
                messages++;
            }
        }
        post(g, "last");
        messages++;
        o.wake();
        sink.open();
        await().atMost(WAIT).until(() -> sink.text().contains(msg("g", "last")));
        assertThat(sink.text()).doesNotContain("GroupEvent");
        Matcher m = Pattern.compile("Dropped (\\d+) messages from g\\.").matcher(sink.text());
        assertThat(m.find()).as(sink.text()).isTrue();
        long dropped = Long.parseLong(m.group(1));
        long received = Pattern.compile("\"message\"").matcher(sink.text()).results().count();
        assertThat(dropped + received).as("only messages are counted as missed").isEqualTo(messages);
    }

    @Test
    void aMemberOvertakenByItsRingIsToldExactlyHowManyItMissed() throws Exception {
        ServerConfig c = ServerConfig.builder().groupCapacity(4).historyMessages(4).build();
        sink.hold();
        Outbound o = outbound(c);
        Group g = group("g", c);
        join(o, g);
        post(g, "first");
        o.wake();
        assertThat(sink.waiting.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 20; i++) post(g, "n" + i);
        o.wake();
        sink.open();
        await().atMost(WAIT).until(() -> sink.text().contains(msg("g", "n19")));
        Matcher m = Pattern.compile("Dropped (\\d+) messages from g\\.").matcher(sink.text());
        assertThat(m.find()).as(sink.text()).isTrue();
        long dropped = Long.parseLong(m.group(1));
        long received = Pattern.compile("\"message\"").matcher(sink.text()).results().count();
        assertThat(dropped + received).isEqualTo(21);
        assertThat(metrics.messagesDropped()).isEqualTo(dropped);
        assertThat(metrics.lagNotices()).isEqualTo(1);
        assertThat(sink.text()).contains(err("Dropped " + dropped + " messages from g."));
    }

    @Test
    void theReaderWaitsWhileItsRepliesAreOverTheBacklogAndGoesOnOnceTheyDrain() throws Exception {
        ServerConfig c = ServerConfig.builder().maxReplyBacklogBytes(16).build();
        sink.hold();
        Outbound o = outbound(c);
        o.notice(bytes(err("first"))); // the writer takes it and blocks writing it
        assertThat(sink.waiting.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> reader = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            o.reply(bytes(err("second, over the limit")));
            reader.complete(null);
        });
        await().atMost(WAIT).until(() -> t.getState() == Thread.State.WAITING);
        assertThat(reader).isNotDone();
        assertThat(metrics.backlogPauses()).isEqualTo(1);
        assertThat(o.backlogBytes()).isGreaterThan(16);
        sink.open();
        reader.get(10, TimeUnit.SECONDS);
        awaitText(err("first") + err("second, over the limit"));
    }

    @Test
    void aReleasedReaderStopsWaitingForAClientThatDoesNotRead() throws Exception {
        ServerConfig c = ServerConfig.builder().maxReplyBacklogBytes(16).build();
        sink.hold();
        Outbound o = outbound(c);
        o.notice(bytes(err("first")));
        assertThat(sink.waiting.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch returned = new CountDownLatch(1);
        Thread t = Thread.ofVirtual().start(() -> {
            o.reply(bytes(err("second, over the limit")));
            returned.countDown();
        });
        await().atMost(WAIT).until(() -> t.getState() == Thread.State.WAITING);
        o.releaseReader();
        assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
        o.reply(bytes(err("third, no wait now"))); // released for good: this reader never waits again
        assertThat(sink.text()).isEmpty(); // the client still reads nothing
    }

    @Test
    void closeFreesAReaderWaitingOnItsBacklog() throws Exception {
        ServerConfig c = ServerConfig.builder().maxReplyBacklogBytes(16).build();
        sink.hold();
        Outbound o = outbound(c);
        o.notice(bytes(err("first")));
        assertThat(sink.waiting.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch returned = new CountDownLatch(1);
        Thread t = Thread.ofVirtual().start(() -> {
            o.reply(bytes(err("second, over the limit")));
            returned.countDown();
        });
        await().atMost(WAIT).until(() -> t.getState() == Thread.State.WAITING);
        o.close();
        assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void finishWritesEverythingQueuedThenStops() throws Exception {
        sink.hold();
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        Outbound.Sub sub = join(o, g);
        post(g, "m1");
        o.wake();
        assertThat(sink.waiting.await(10, TimeUnit.SECONDS)).isTrue();
        post(g, "m2");
        o.notice(bytes(err("bye")));
        CompletableFuture<Boolean> finished = CompletableFuture.supplyAsync(() -> {
            try {
                return o.finish(WAIT);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(WAIT).until(() -> sub.stopAt == 2); // finish has marked where the group ends
        post(g, "m3, after the finish: not written");
        sink.open();
        assertThat(finished.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sink.text()).isEqualTo(msg("g", "m1") + msg("g", "m2") + err("bye"));
        assertThat(o.roleState()).isEqualTo("CLOSED");
        await().atMost(WAIT).until(() -> sink.idles.get() == 1); // the writer ended and let its buffer go
        assertThat(failures.get()).isZero();
    }

    @Test
    void finishGivesUpAfterItsTimeoutWhenTheClientReadsNothing() throws Exception {
        sink.hold();
        Outbound o = outbound();
        o.notice(bytes(err("never read")));
        assertThat(sink.waiting.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(o.finish(Duration.ofMillis(50))).isFalse();
    }

    @Test
    void housekeepingRetiresAnIdleWriterWhichDropsItsBufferAndThread() throws Exception {
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        join(o, g);
        post(g, "m1");
        o.wake();
        awaitText(msg("g", "m1"));
        awaitRole("PARKED");
        Thread first = sink.lastWriter;
        o.retireIfIdle(System.nanoTime()); // not idle for the linger (5 s) yet: nothing happens
        assertThat(o.roleState()).isEqualTo("PARKED");
        o.retireIfIdle(System.nanoTime() + Duration.ofMinutes(1).toNanos());
        first.join(Duration.ofSeconds(10));
        assertThat(first.isAlive()).isFalse();
        assertThat(o.roleState()).isEqualTo("IDLE");
        assertThat(sink.idles.get()).isEqualTo(1);
        assertThat(o.backlogBytes()).isZero();
        // The next output starts a new writer thread.
        post(g, "m2");
        o.wake();
        awaitText(msg("g", "m1") + msg("g", "m2"));
        assertThat(sink.lastWriter).isNotSameAs(first);
    }

    @Test
    void aQuietSendFindingALingeringWriterAsksItToRetireSoTheNextOneCanWriteInline() throws Exception {
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        join(o, g);
        post(g, "m1");
        o.wake();
        awaitText(msg("g", "m1"));
        awaitRole("PARKED");
        Thread writer = sink.lastWriter;
        sink.canTry = true;
        post(g, "m2");
        o.wakeInline(); // the role is held by the parked writer: it writes m2, then ends
        awaitText(msg("g", "m1") + msg("g", "m2"));
        writer.join(Duration.ofSeconds(10));
        assertThat(writer.isAlive()).isFalse();
        awaitRole("IDLE");
        post(g, "m3");
        o.wakeInline();
        assertThat(sink.text()).endsWith(msg("g", "m3"));
        assertThat(sink.lastTryWriter).isSameAs(Thread.currentThread());
    }

    @Test
    void theRingWakesTheWriterThroughItsListener() {
        sink.canTry = true;
        Outbound o = outbound();
        Group g = group("g", ServerConfig.defaults());
        o.add(new Outbound.Sub(new GroupTable.Membership(g, g.channel().subscribe(o, 0))));
        g.channel().send(new Posted("g", "one", "bob"));
        sendOnWriterThreads(g, new Posted("g", "two", "bob"));
        awaitText(msg("g", "one") + msg("g", "two"));
        assertThat(o.backlogMessages()).isZero();
    }

    /** A send whose quiet wake goes to the members' writer threads, never inline on this thread. */
    private static void sendOnWriterThreads(Group g, Posted p) {
        if (g.channel().sendLeavingQuietWake(p) == parley.broadcast.Broadcast.Sent.QUIET) g.channel().wakeAll();
    }
}
