package parley.server;

import parley.testing.Harness;
import parley.testing.TestClient;
import parley.net.ChatServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static parley.testing.Harness.awaitMembers;
import static parley.testing.TestClient.messageLine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Clients that vanish, politely or not, leave nothing behind: no connection, membership, group, fd or thread. */
class DisconnectTest {
    static final int GROUPS = 5;
    static final int VICTIMS = 500;
    static final int ROUND = 50;

    private static String group(int g) {
        return "disc-" + g;
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void fiveHundredAbruptDisconnectsLeaveNoConnectionsGroupsFdsOrThreads() throws Exception {
        ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(2);
        pool.prestartAllCoreThreads(); // counted in the baseline
        AtomicBoolean stop = new AtomicBoolean();
        try (ChatServer server = ChatServer.start(Harness.loopback().withGroupCapacity(200))) {
            // Warm up whatever the JDK creates lazily for sockets and virtual threads (pollers,
            // carriers, buffers), so the baseline counts it.
            List<TestClient> warm = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                TestClient c = TestClient.connect(server);
                warm.add(c);
                c.join("warm");
            }
            awaitMembers(server, "warm", 20);
            warm.get(0).post("warm", "w");
            for (TestClient c : warm) c.expectLine(messageLine("warm", "w"));
            warm.forEach(TestClient::abort);
            await().atMost(Duration.ofSeconds(30)).until(() -> server.connectionCount() == 0);

            // Thread dumps cover the whole JVM (other test classes' servers included): let this
            // server's warm-up threads finish (bounded), then compare with that baseline, not zero.
            int settled = Harness.connectionThreads();
            for (int i = 0; i < 50 && settled > 0; i++) {
                Thread.sleep(100);
                settled = Harness.connectionThreads();
            }
            int connectionThreadBaseline = settled;
            int fdBaseline = Harness.openFds();
            int platformBaseline = Harness.platformThreads();
            int virtualBaseline = Harness.virtualThreads(Harness.threadDump());

            // A live member of every group (read continuously) and a poster keep messages in flight.
            TestClient live = TestClient.connect(server);
            TestClient poster = TestClient.connect(server);
            for (int g = 0; g < GROUPS; g++) live.join(group(g));
            for (int g = 0; g < GROUPS; g++) awaitMembers(server, group(g), 1);
            AtomicLong liveGot = new AtomicLong();
            Future<?> liveReader = pool.submit(() -> {
                while (!stop.get()) {
                    String line = live.readLineOrNull(Duration.ofSeconds(120));
                    if (line == null) return null;
                    // Messages, or (should this reader fall behind on a busy machine) a Dropped notice.
                    assertThat(line).matches("\\{\"Message\":\\{\"group_name\":\"disc-.*|\\{\"Error\":\"Dropped \\d+ messages from disc-\\d\\.\"}");
                    liveGot.incrementAndGet();
                }
                return null;
            });
            AtomicLong posted = new AtomicLong();
            Future<?> posting = pool.submit(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(200);
                StringBuilder batch = new StringBuilder();
                for (int i = 0; !stop.get() && i < 2_000_000 && System.nanoTime() < deadline; i++) {
                    batch.setLength(0);
                    for (int g = 0; g < GROUPS; g++) {
                        batch.append(TestClient.postLine(group(g), "in flight " + i + " " + "x".repeat(200))).append('\n');
                    }
                    poster.sendBytes(batch.toString().getBytes(StandardCharsets.UTF_8));
                    posted.addAndGet(GROUPS);
                    Thread.sleep(1);
                }
                return null;
            });

            // The victims, ROUND at a time, each in one of five ways of vanishing.
            for (int start = 0; start < VICTIMS; start += ROUND) {
                List<TestClient> round = new ArrayList<>();
                for (int v = start; v < start + ROUND; v++) {
                    // A small receive buffer: the server's writer soon has data it cannot deliver.
                    TestClient c = TestClient.connect(server.address(), 4096, 1024);
                    round.add(c);
                    c.join(group(v % GROUPS));
                    if (v % 3 == 0) c.join(group((v + 1) % GROUPS));
                    switch (v % 5) {
                        case 0 -> { } // gone right after the join, which may not even be handled yet
                        case 1 -> { // posts, and is certainly a member once a line arrives
                            c.post(group(v % GROUPS), "hello from " + v);
                            c.readLine(Duration.ofSeconds(30));
                        }
                        case 2 -> c.sendBytes("{\"Post\":{\"group_name\":\"disc-0\",\"mess".getBytes(StandardCharsets.UTF_8)); // half a line
                        case 3 -> c.sendBytes("{\"Join\":{}}\n".getBytes(StandardCharsets.UTF_8)); // an unread Error queued
                        default -> c.readLine(Duration.ofSeconds(30)); // reads a little, then leaves mid-stream
                    }
                }
                // Let messages pile up for those that never read, then reset them all.
                Thread.sleep(20);
                round.forEach(TestClient::abort);
            }
            assertThat(posting.isDone()).as("poster still running (no failure)").isFalse();

            // Only the live member and the poster remain; every group holds only the live member.
            await("victims gone").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> server.connectionCount() == 2);
            assertThat(server.groups().size()).isEqualTo(GROUPS);
            for (int g = 0; g < GROUPS; g++) assertThat(Harness.members(server, group(g))).isEqualTo(1);
            assertThat(liveGot.get()).as("live member kept receiving").isPositive();

            stop.set(true);
            posting.get(30, TimeUnit.SECONDS);
            // The live member reads to the end after a normal close of both.
            poster.close();
            live.shutdownOutput();
            liveReader.get(60, TimeUnit.SECONDS);
            live.close();

            await("all gone").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> server.connectionCount() == 0 && server.groups().size() == 0);
            await("connection threads gone").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Harness.connectionThreads() <= connectionThreadBaseline);
            await("fds back to baseline").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Harness.openFds() <= fdBaseline + 20);
            await("platform threads back to baseline").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Harness.platformThreads() <= platformBaseline + 4);
            int virtualAfter = Harness.virtualThreads(Harness.threadDump());
            System.out.printf("DisconnectTest: fds %d -> %d, platform threads %d -> %d, virtual threads %d -> %d,"
                            + " %d messages posted%n", fdBaseline, Harness.openFds(), platformBaseline,
                    Harness.platformThreads(), virtualBaseline, virtualAfter, posted.get());
            assertThat(virtualAfter).isLessThanOrEqualTo(virtualBaseline);
            // Positive controls: the connection-thread count (by name) sees readers and writers at work.
            Harness.assertReadersCounted(server);
            Harness.assertWritersCounted(server);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aNormalCloseRemovesMembershipAndTheEmptyGroup() throws Exception {
        try (ChatServer server = ChatServer.start(Harness.loopback());
                TestClient stays = TestClient.connect(server);
                TestClient leaves = TestClient.connect(server)) {
            stays.join("shared");
            leaves.join("shared");
            leaves.join("own");
            awaitMembers(server, "shared", 2);
            awaitMembers(server, "own", 1);

            leaves.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> server.connectionCount() == 1);
            assertThat(Harness.members(server, "shared")).isEqualTo(1);
            assertThat(server.groups().get("own")).as("empty group removed").isNull();
            assertThat(server.groups().size()).isEqualTo(1);

            // The group still works for the one left, and a new joiner of "own" starts a fresh group.
            stays.post("shared", "alone");
            stays.expectLine(messageLine("shared", "alone"));
            stays.join("own");
            stays.post("own", "fresh");
            stays.expectLine(messageLine("own", "fresh"));
            assertThat(server.groups().get("own").posted()).isEqualTo(1);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHalfCloseGetsWhatWasQueuedThenTheConnectionEnds() throws Exception {
        try (ChatServer server = ChatServer.start(Harness.loopback()); TestClient c = TestClient.connect(server)) {
            c.join("half");
            for (int i = 0; i < 100; i++) c.post("half", "q" + i);
            c.send("{\"Join\":{}}");
            c.shutdownOutput();
            int messages = 0;
            boolean error = false;
            for (int i = 0; i < 101; i++) {
                String line = c.readLine();
                if (line.startsWith("{\"Error\"")) {
                    assertThat(line).contains("missing field 'group_name' in Join");
                    error = true;
                } else {
                    assertThat(line).isEqualTo(messageLine("half", "q" + messages));
                    messages++;
                }
            }
            assertThat(error).isTrue();
            c.expectClosed(Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(30)).until(() -> server.connectionCount() == 0 && server.groups().size() == 0);
        }
    }
}
