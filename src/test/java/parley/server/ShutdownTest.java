package parley.server;

import parley.testing.Harness;
import parley.testing.TestClient;
import parley.net.ChatServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static parley.testing.Harness.awaitMembers;
import static parley.testing.TestClient.errorLine;
import static parley.testing.TestClient.messageLine;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.Codec;
import parley.protocol.FromServer;

/** server.close(): tell every client, after what it already has queued; close; stop accepting. */
class ShutdownTest {
    static final String SHUTTING_DOWN = errorLine("server shutting down");

    /** Defaults on an ephemeral loopback port, with the given close-flush timeout. */
    private static ServerConfig config(int groupCapacity, Duration closeFlush) {
        ServerConfig d = Harness.loopback().withGroupCapacity(groupCapacity);
        return d.withCloseFlushTimeout(closeFlush);
    }

    private static CompletableFuture<Void> closeInBackground(ChatServer server) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                server.close();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "test-server-close");
        t.setDaemon(true); // a hanging close must not keep the test JVM alive
        t.start();
        return done;
    }

    /** Connecting to a closed server is refused, or (if something else got the port) not served. */
    private static void assertNotAccepting(InetSocketAddress address) throws IOException {
        TestClient c;
        try {
            c = TestClient.connect(address, -1, 512);
        } catch (ConnectException refused) {
            return;
        }
        try (c) {
            c.post("anything", "x");
            try {
                c.expectClosed(Duration.ofSeconds(5));
            } catch (SocketException reset) {
                // closed as well
            }
        }
    }

    /** Every line until end of stream (bounded). */
    private static List<String> untilEnd(TestClient c) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String line = c.readLineOrNull(Duration.ofSeconds(20));
            if (line == null) return lines;
            lines.add(line);
        }
        throw new AssertionError("no end of stream after " + lines);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closeTellsEveryClientThenClosesThemAndStopsAccepting() throws Exception {
        ChatServer server = ChatServer.start(Harness.loopback());
        InetSocketAddress address = server.address();
        try (TestClient a = TestClient.connect(server);
                TestClient b = TestClient.connect(server);
                TestClient idle = TestClient.connect(server)) {
            a.join("bye");
            b.join("bye");
            awaitMembers(server, "bye", 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 3);
            for (int i = 0; i < 50; i++) a.post("bye", "m" + i);
            for (int i = 0; i < 50; i++) {
                a.expectLine(messageLine("bye", "m" + i));
                b.expectLine(messageLine("bye", "m" + i));
            }

            CompletableFuture<Void> closing = closeInBackground(server);
            for (TestClient c : new TestClient[] {a, b, idle}) {
                c.expectLine(SHUTTING_DOWN);
                c.expectClosed(Duration.ofSeconds(20));
            }
            closing.get(30, TimeUnit.SECONDS);
            assertThat(server.connectionCount()).isZero();
            assertThat(server.groups().size()).isZero();
            assertThat(server.isStopping()).isTrue();
        } finally {
            server.close();
        }
        assertNotAccepting(address);
        server.close(); // a second close is harmless
    }

    /**
     * A client in the middle of sending a line when the server closes: the notice is the last
     * thing it hears. The unfinished line is not a request (the client did not end it; the server
     * cut the input), so it must not be answered, let alone acted on, after the notice.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHalfSentLineIsNotAnsweredAfterTheShutdownNotice() throws Exception {
        ChatServer server = ChatServer.start(Harness.loopback());
        try (TestClient half = TestClient.connect(server);
                TestClient unterminated = TestClient.connect(server);
                TestClient member = TestClient.connect(server)) {
            member.join("cut");
            awaitMembers(server, "cut", 1);
            half.sendBytes("{\"Post\":{\"group_name\":\"cut\",\"mess".getBytes(StandardCharsets.UTF_8));
            unterminated.sendBytes(TestClient.postLine("cut", "never ended").getBytes(StandardCharsets.UTF_8));
            // Both fragments have reached the server's reader (it holds them, waiting for a newline).
            Thread.sleep(300);

            closeInBackground(server).get(30, TimeUnit.SECONDS);
            Map<String, List<String>> heard = new LinkedHashMap<>();
            heard.put("half", untilEnd(half));
            heard.put("unterminated", untilEnd(unterminated));
            heard.put("member", untilEnd(member));
            assertThat(heard).isEqualTo(Map.of("half", List.of(SHUTTING_DOWN), "unterminated", List.of(SHUTTING_DOWN),
                    "member", List.of(SHUTTING_DOWN)));
        } finally {
            server.close();
        }
    }

    /**
     * A member far behind when the server closes: its messages are still in the group's ring (its
     * socket is full), so "what was already queued" is real. It must get every one of them, in
     * order, and only then the shutdown notice and end of stream.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theShutdownNoticeComesAfterEverythingAlreadyQueued() throws Exception {
        int n = SlowMemberTest.messageCount(); // more than the kernel can buffer for a stalled reader
        ChatServer server = ChatServer.start(config(n, Duration.ofSeconds(120)));
        try (TestClient behind = TestClient.connect(server.address(), 4096, 65536);
                TestClient poster = TestClient.connect(server)) {
            behind.join("queued");
            awaitMembers(server, "queued", 1);
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < n; i++) {
                batch.append(TestClient.postLine("queued", String.format("q%07d ", i) + "z".repeat(90))).append('\n');
                if (batch.length() > 60_000 || i == n - 1) {
                    poster.sendBytes(batch.toString().getBytes(StandardCharsets.UTF_8));
                    batch.setLength(0);
                }
            }
            Harness.awaitPosted(server, "queued", n);

            CompletableFuture<Void> closing = closeInBackground(server);
            for (int i = 0; i < n; i++) {
                String line = behind.readLine(Duration.ofSeconds(60));
                if (!line.equals(messageLine("queued", String.format("q%07d ", i) + "z".repeat(90)))) {
                    throw new AssertionError("line " + i + " of " + n + ": expected message " + i + " but got "
                            + line.substring(0, Math.min(200, line.length())));
                }
            }
            behind.expectLine(SHUTTING_DOWN, Duration.ofSeconds(60));
            behind.expectClosed(Duration.ofSeconds(60));
            closing.get(60, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void closeIsBoundedEvenWhenAClientNeverReads() throws Exception {
        Duration flush = Duration.ofSeconds(2);
        ChatServer server = ChatServer.start(config(1000, flush));
        try (TestClient stuck = TestClient.connect(server.address(), 4096, 8192);
                TestClient reader = TestClient.connect(server);
                TestClient poster = TestClient.connect(server)) {
            stuck.join("stuck");
            reader.join("stuck");
            awaitMembers(server, "stuck", 2);
            // Far more than the socket buffers hold: the server's writer for `stuck` is blocked.
            String big = "b".repeat(60_000);
            for (int i = 0; i < 200; i++) poster.post("stuck", big);
            for (int i = 0; i < 200; i++) reader.expectLine(messageLine("stuck", big), Duration.ofSeconds(60));

            CompletableFuture<Void> closing = closeInBackground(server);
            // Bounded by the flush timeout (plus the second close() allows itself); the test's
            // own bound is generous, this asserts only that it ends.
            closing.get(60, TimeUnit.SECONDS);
            reader.expectLine(SHUTTING_DOWN);
            reader.expectClosed(Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(30)).until(() -> server.connectionCount() == 0);
            // The stuck client finds its connection closed once it reads: what it gets is a prefix of
            // the messages, then end of stream or a reset, never a torn line.
            try {
                for (int i = 0; i < 1000; i++) {
                    byte[] raw = stuck.readLineBytes(Duration.ofSeconds(30));
                    if (raw == null) break;
                    FromServer p = Codec.decodeReply(raw, 0, raw.length);
                    assertThat(p).isIn(new FromServer.Message("stuck", big), new FromServer.Error("server shutting down"));
                }
            } catch (SocketException reset) {
                // closed by the server after the flush timeout: also fine
            } catch (AssertionError e) {
                // an unterminated final fragment is what an abortive close leaves: acceptable only at the end
                assertThat(e.getMessage()).contains("stream ended inside a line");
            }
        } finally {
            server.close();
        }
    }

    /**
     * A client that sends bad lines and never reads the Errors fills its reply backlog, so the
     * server stops reading it (by design). server.close() must still end in bounded time and close
     * that connection.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void closeIsBoundedEvenWhenAClientFillsItsReplyBacklog() throws Exception {
        ChatServer server = ChatServer.start(config(1000, Duration.ofSeconds(2)));
        TestClient spammer = TestClient.connect(server.address(), 4096, 8192);
        try (TestClient bystander = TestClient.connect(server)) {
            AtomicLong chunks = new AtomicLong();
            Thread sender = new Thread(() -> {
                byte[] chunk = "x\n".repeat(32 * 1024).getBytes(StandardCharsets.US_ASCII);
                try {
                    for (int i = 0; i < 4000; i++) { // at most 256 MB; stalls long before
                        spammer.sendBytes(chunk);
                        chunks.incrementAndGet();
                    }
                } catch (IOException e) {
                    // the connection was closed: the sender's job is over
                }
            }, "test-spammer");
            sender.setDaemon(true);
            sender.start();
            // Wait (bounded) until the spammer's writes stall: the server has stopped reading it.
            long last = -1;
            long stableSince = System.nanoTime();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(2)) {
                assertThat(System.nanoTime()).as("spammer never stalled").isLessThan(deadline);
                long now = chunks.get();
                if (now != last) {
                    last = now;
                    stableSince = System.nanoTime();
                }
                Thread.sleep(100);
            }
            assertThat(sender.isAlive()).as("spammer blocked in write").isTrue();

            CompletableFuture<Void> closing = closeInBackground(server);
            try {
                closing.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                StringBuilder where = new StringBuilder();
                Thread.getAllStackTraces().forEach((t, stack) -> {
                    if (t.getName().equals("test-server-close")) {
                        for (StackTraceElement f : stack) where.append("\n\tat ").append(f);
                    }
                });
                throw new AssertionError("server.close() did not return within 30 s (close-flush timeout 2 s); it is at:"
                        + where, e);
            }
            bystander.expectLine(SHUTTING_DOWN);
            bystander.expectClosed(Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(30)).until(() -> server.connectionCount() == 0);
        } finally {
            spammer.abort(); // releases the server's writer (and so a hung close) in any case
        }
    }
}
