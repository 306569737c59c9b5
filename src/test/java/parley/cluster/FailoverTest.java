package parley.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.testing.TestClient;
import parley.client.ChatClient;

/**
 * A node killed with SIGKILL: two {@code parley server --cluster} processes, a client given both
 * addresses, and a poster on the surviving node posting throughout. The client moves to the other
 * node, says Hello and joins again, fetches what it missed, and shows every message exactly once,
 * in order.
 */
@Timeout(180)
class FailoverTest {
    private static final int POSTS = 300;

    @Test
    void aClientOfAKilledNodeCarriesOnOnAnotherWithoutAGap() throws Exception {
        try (NatsServer nats = NatsServer.startNew()) {
            int portA = NatsServer.freePort();
            int portB = NatsServer.freePort();
            Process a = node(portA, nats.url());
            Process b = node(portB, nats.url());
            try {
                awaitListening(portA, a);
                awaitListening(portB, b);
                Lines out = new Lines();
                Lines err = new Lines();
                PipedWriter input = new PipedWriter();
                BufferedReader stdin = new BufferedReader(new PipedReader(input, 1 << 16));
                List<InetSocketAddress> both = List.of(new InetSocketAddress("127.0.0.1", portA),
                        new InetSocketAddress("127.0.0.1", portB));
                CompletableFuture<Integer> client = CompletableFuture.supplyAsync(() -> ChatClient.run(both, stdin,
                        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                        Duration.ofSeconds(2)));
                input.write("nick carol\njoin room\n");
                input.flush();

                try (TestClient poster = TestClient.hello(new InetSocketAddress("127.0.0.1", portB), "poster").readInBackground()) {
                    ClusterTest.joined(poster, "room");
                    // Until carol's join has been handled on A, a post may come before it: post until she sees one.
                    for (int i = 0; i < 100 && !out.has(l -> l.endsWith(": warm-up")); i++) {
                        poster.post("room", "warm-up");
                        out.await(l -> l.endsWith(": warm-up"), Duration.ofMillis(300));
                    }
                    assertThat(out.has(l -> l.endsWith(": warm-up"))).as("carol hears the poster").isTrue();
                    for (int i = 0; i < POSTS; i++) {
                        poster.post("room", "n" + i);
                        if (i == POSTS / 3) {
                            // Let carol see some of them from A first.
                            String seen = "n" + (POSTS / 4);
                            out.await(l -> l.endsWith(": " + seen), Duration.ofSeconds(20));
                            a.destroyForcibly(); // SIGKILL
                            a.waitFor(10, TimeUnit.SECONDS);
                            // A burst while carol is still moving to B: these she can only get by Fetch.
                            for (int k = 1; k <= 30; k++) poster.post("room", "n" + (i + k));
                            i += 30;
                        }
                        Thread.sleep(3);
                    }
                    String last = "n" + (POSTS - 1);
                    out.await(l -> l.endsWith(": " + last), Duration.ofSeconds(60));
                }
                input.close();
                assertThat(client.get(30, TimeUnit.SECONDS)).isZero();

                List<String> numbered = out.lines().stream()
                        .filter(l -> l.startsWith("message posted to room by poster: n"))
                        .map(l -> l.substring("message posted to room by poster: ".length()))
                        .toList();
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < POSTS; i++) expected.add("n" + i);
                assertThat(numbered).as("every message once, in order; stderr: %s", err.lines()).isEqualTo(expected);
                assertThat(err.lines()).anyMatch(l -> l.contains("reconnected to 127.0.0.1:" + portB));
            } finally {
                a.destroyForcibly();
                b.destroyForcibly();
                a.waitFor(10, TimeUnit.SECONDS);
                b.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** {@code parley server --cluster} in its own JVM, from this test's class path. */
    static Process node(int port, String natsUrl) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = Files.createTempFile("parley-node-" + port, ".log");
        log.toFile().deleteOnExit();
        return new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx256m", "-Xss512k",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), "parley.cli.Main",
                "server", "127.0.0.1:" + port, "--http", "off", "--cluster", natsUrl)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static void awaitListening(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new AssertionError("node on " + port + " exited with " + p.exitValue());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("node on " + port + " did not listen in time");
    }

    /** An output stream split into lines as they are written. */
    static final class Lines extends OutputStream {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(partial.toString(StandardCharsets.UTF_8));
                partial.reset();
                notifyAll();
            } else {
                partial.write(b);
            }
        }

        synchronized List<String> lines() {
            return new ArrayList<>(lines);
        }

        synchronized boolean has(Predicate<String> p) {
            return lines.stream().anyMatch(p);
        }

        synchronized void await(Predicate<String> p, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!has(p)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) return;
                wait(left);
            }
        }
    }

}
