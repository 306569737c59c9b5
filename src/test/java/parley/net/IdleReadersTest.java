package parley.net;

import parley.testing.Harness;
import parley.server.ServerConfig;
import parley.testing.TestClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static parley.testing.Harness.awaitMembers;
import static parley.testing.TestClient.messageLine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connections with nothing to read wait in the idle set without a thread, and come back whenever
 * their client sends, their input ends, or the server closes them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleReadersTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static ChatServer start(ServerConfig config) throws Exception {
        ChatServer server = ChatServer.start(config);
        if (server.idleReaders() == null) {
            server.close();
            Assumptions.abort("no epoll here (not Linux, or sun.nio.ch not exported): readers wait in reads");
        }
        return server;
    }

    /** Connects {@code n} clients into {@code clients}, each joining {@code group}, and waits for them. */
    private static void joinAll(ChatServer server, List<TestClient> clients, int n, String group) throws Exception {
        for (int i = 0; i < n; i++) {
            TestClient c = TestClient.connect(server);
            clients.add(c);
            c.join(group);
        }
        awaitMembers(server, group, n);
    }

    /** Connection reader threads in this JVM, counted by name (positive control: {@link Harness#assertReadersCounted}). */
    private static int readerThreads() throws Exception {
        return Harness.readerThreads();
    }

    @Test
    void idleMembersHoldNoReaderThreadAndStillGetAndSendMessages() throws Exception {
        try (ChatServer server = start(Harness.loopback())) {
            List<TestClient> clients = new ArrayList<>();
            try {
                joinAll(server, clients, 40, "idle");
                assertThat(Harness.writerThreads()).as("joining starts no writer thread").isZero();
                await().atMost(WAIT).until(() -> server.idleReaders().size() == 40);
                await().atMost(WAIT).until(() -> readerThreads() == 0);

                for (int round = 0; round < 3; round++) {
                    TestClient poster = clients.get(round * 7);
                    poster.post("idle", "round " + round);
                    for (TestClient c : clients) {
                        assertThat(c.readLine(WAIT)).isEqualTo(messageLine("idle", "round " + round));
                    }
                }
                await().atMost(WAIT).until(() -> server.idleReaders().size() == 40);
            } finally {
                for (TestClient c : clients) c.close();
            }
            await().atMost(WAIT).until(() -> server.connectionCount() == 0);
            assertThat(server.idleReaders().size()).isZero();
            // The zero counts above mean something only if the counts see these threads at all.
            Harness.assertReadersCounted(server);
            Harness.assertWritersCounted(server);
        }
    }

    @Test
    void withIdleReadersOffEachReaderWaitsInItsReadAndMessagesStillFlow() throws Exception {
        start(Harness.loopback()).close(); // skips where there is no epoll to turn off
        ServerConfig config = Harness.loopback().toBuilder().idleReaders(false).build();
        try (ChatServer server = ChatServer.start(config)) {
            assertThat(server.idleReaders()).isNull();
            List<TestClient> clients = new ArrayList<>();
            try {
                joinAll(server, clients, 5, "awake");
                await().atMost(WAIT).until(() -> readerThreads() == 5);
                clients.getFirst().post("awake", "hello");
                for (TestClient c : clients) {
                    assertThat(c.readLine(WAIT)).isEqualTo(messageLine("awake", "hello"));
                }
                assertThat(server.idleConnectionCount()).isZero();
            } finally {
                for (TestClient c : clients) c.close();
            }
        }
    }

    @Test
    void halfALineWaitsWithoutAThreadUntilItsRestArrives() throws Exception {
        try (ChatServer server = start(Harness.loopback());
                TestClient member = TestClient.connect(server);
                TestClient poster = TestClient.connect(server)) {
            member.join("half");
            awaitMembers(server, "half", 1);
            String line = TestClient.postLine("half", "whole at last") + "\n";
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            int cut = bytes.length / 2;
            poster.sendBytes(java.util.Arrays.copyOf(bytes, cut));
            await().atMost(WAIT).until(() -> server.idleReaders().size() == 2 && readerThreads() == 0);
            member.expectNoLineWithin(Duration.ofMillis(300));
            poster.sendBytes(java.util.Arrays.copyOfRange(bytes, cut, bytes.length));
            assertThat(member.readLine(WAIT)).isEqualTo(messageLine("half", "whole at last"));
            Harness.assertReadersCounted(server);
        }
    }

    @Test
    void aConnectionClosedByTheServerWhileWaitingWithoutAThreadEnds() throws Exception {
        // A member that never reads: its writer blocks, the write deadline closes the connection,
        // and its reader, parked in the idle set, must still end the session.
        ServerConfig config = Harness.loopback().toBuilder().writeDeadline(Duration.ofMillis(300)).build();
        try (ChatServer server = start(config);
                TestClient stuck = TestClient.connect(server.address(), 4096);
                TestClient poster = TestClient.connect(server)) {
            stuck.join("deadline");
            awaitMembers(server, "deadline", 1);
            await().atMost(WAIT).until(() -> server.idleReaders().size() >= 1);
            String big = "x".repeat(60_000);
            // More than the socket buffers hold (the kernel may let the server's grow to megabytes).
            for (int i = 0; i < 1000 && server.connectionCount() == 2; i++) {
                poster.post("deadline", big);
                Thread.sleep(2);
            }
            await().atMost(WAIT).until(() -> server.connectionCount() == 1);
            await().atMost(WAIT).until(() -> Harness.members(server, "deadline") == 0);
        }
    }

    @Test
    void theServerStopsConnectionsThatWaitWithoutAThread() throws Exception {
        ChatServer server = start(Harness.loopback());
        List<TestClient> clients = new ArrayList<>();
        try {
            joinAll(server, clients, 10, "stop");
            await().atMost(WAIT).until(() -> server.idleReaders().size() == 10);
            server.close();
            assertThat(server.connectionCount()).isZero();
            for (TestClient c : clients) {
                assertThat(c.readLine(WAIT)).isEqualTo(TestClient.errorLine("server shutting down"));
                assertThat(c.readLineOrNull(WAIT)).as("then the end of the stream").isNull();
            }
        } finally {
            server.close();
            for (TestClient c : clients) c.close();
        }
    }

    @Test
    void aBusyClientKeepsItsReaderAndWaitsWithoutOneOnceQuiet() throws Exception {
        try (ChatServer server = start(Harness.loopback());
                TestClient member = TestClient.connect(server);
                TestClient poster = TestClient.connect(server)) {
            member.join("busy");
            awaitMembers(server, "busy", 1);
            for (int i = 0; i < 2 * InputActivity.BUSY_LINES; i++) {
                poster.post("busy", "m" + i);
                assertThat(member.readLine(WAIT)).isEqualTo(messageLine("busy", "m" + i));
            }
            // The poster's reader waits in its read (busy); the member's waits in the idle set.
            await().atMost(WAIT).until(() -> readerThreads() == 1 && server.idleReaders().size() == 1);
            Thread.sleep(2_100); // two quiet seconds: no longer busy
            poster.post("busy", "later");
            assertThat(member.readLine(WAIT)).isEqualTo(messageLine("busy", "later"));
            await().atMost(WAIT).until(() -> readerThreads() == 0 && server.idleReaders().size() == 2);
        }
    }

    /**
     * Randomised schedules: posters that pause for random times (so their readers park and wake
     * at random points, mid-line too) while clients join and vanish around them. Every member
     * gets every post, in each poster's order, and nothing is left behind in the idle set.
     */
    @org.junit.jupiter.api.RepeatedTest(3)
    void randomPausesAndChurnLoseNothing() throws Exception {
        int members = 12, posters = 4, posts = 50;
        java.util.Random seeds = new java.util.Random();
        try (ChatServer server = start(Harness.loopback())) {
            List<TestClient> readers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            try {
                joinAll(server, readers, members, "stress");
                java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
                for (int p = 0; p < posters; p++) {
                    int poster = p;
                    long seed = seeds.nextLong();
                    threads.add(Thread.ofPlatform().start(() -> {
                        java.util.Random r = new java.util.Random(seed);
                        try (TestClient c = TestClient.connect(server)) {
                            for (int i = 0; i < posts; i++) {
                                byte[] line = (TestClient.postLine("stress", poster + ":" + i) + "\n").getBytes(StandardCharsets.UTF_8);
                                int cut = r.nextInt(line.length + 1);
                                c.sendBytes(java.util.Arrays.copyOf(line, cut));
                                if (r.nextBoolean()) Thread.sleep(r.nextInt(12));
                                c.sendBytes(java.util.Arrays.copyOfRange(line, cut, line.length));
                                if (r.nextInt(3) == 0) Thread.sleep(r.nextInt(25));
                            }
                        } catch (Throwable e) {
                            failed.compareAndSet(null, e);
                        }
                    }));
                }
                threads.add(Thread.ofPlatform().start(() -> {
                    java.util.Random r = new java.util.Random(seeds.nextLong());
                    try {
                        for (int i = 0; i < 30; i++) {
                            TestClient c = TestClient.connect(server);
                            if (r.nextBoolean()) c.join("stress-churn");
                            Thread.sleep(r.nextInt(20));
                            c.close();
                        }
                    } catch (Throwable e) {
                        failed.compareAndSet(null, e);
                    }
                }));
                for (TestClient m : readers) {
                    int[] next = new int[posters];
                    for (int k = 0; k < posters * posts; k++) {
                        String line = m.readLine(WAIT);
                        String body = line.substring(line.lastIndexOf("\"message\":\"") + 11, line.length() - 3);
                        int poster = Integer.parseInt(body.substring(0, body.indexOf(':')));
                        int seq = Integer.parseInt(body.substring(body.indexOf(':') + 1));
                        assertThat(seq).as("poster %d's next message", poster).isEqualTo(next[poster]++);
                    }
                }
                for (Thread t : threads) t.join(WAIT.toMillis());
                assertThat(failed.get()).isNull();
            } finally {
                for (TestClient c : readers) c.close();
            }
            await().atMost(WAIT).until(() -> server.connectionCount() == 0);
            assertThat(server.idleReaders().size()).as("nothing left in the idle set").isZero();
        }
    }
}
