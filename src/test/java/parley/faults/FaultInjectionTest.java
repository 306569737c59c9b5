package parley.faults;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import parley.protocol.Codec;
import parley.net.ChatServer;
import parley.server.Group;
import parley.server.ServerConfig;
import parley.testing.TestClient;

/**
 * Faults on one client's network path, injected by a {@link FaultProxy} between that client and an
 * in-process server, while healthy clients talk to the server directly. What must hold: the server
 * keeps serving everyone else, healthy members lose nothing and get their messages in order, the
 * faulty client gets exactly what the protocol promises (everything, or an exact Dropped count),
 * and a connection that dies mid-packet leaves no subscription behind.
 */
@DisplayName("Fault injection")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultInjectionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CAPACITY = 64;
    private static final int WINDOW = 16;
    private static final Pattern MESSAGE = Pattern.compile("\\{\"Message\":\\{\"group_name\":\"room\",\"message\":\"m(\\d+)-x*\"}}");
    private static final Pattern DROPPED = Pattern.compile("\\{\"Error\":\"Dropped (\\d+) messages from room\\.\"}");

    private ChatServer server;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        server = ChatServer.start(ServerConfig.defaults()
                .withAddress(new InetSocketAddress("127.0.0.1", 0))
                .withGroupCapacity(CAPACITY));
        // A small receive buffer toward the server, so a stalled client backs up into the server soon.
        proxy = FaultProxy.start(server.address(), 16 * 1024);
    }

    @AfterEach
    void stop() {
        if (proxy != null) proxy.close();
        if (server != null) server.close();
    }

    enum Fault { DELAY, SPLIT, STALL, RESET }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Fault.class)
    @DisplayName("healthy members lose nothing while one member's path is faulty")
    void healthyMembersLoseNothing(Fault fault) throws Exception {
        int n = fault == Fault.STALL ? 4000 : 500;
        int pad = fault == Fault.STALL ? 2000 : 40;
        try (TestClient a = TestClient.connect(server.address()).readInBackground();
             TestClient b = TestClient.connect(server.address()).readInBackground();
             TestClient c = TestClient.connect(proxy.address()).readInBackground()) {
            FaultProxy.Link link = proxy.nextLink(WAIT);
            a.join("room");
            b.join("room");
            c.join("room");
            awaitMembers("room", 3);
            switch (fault) {
                case DELAY -> link.delay(Duration.ofMillis(20));
                case SPLIT -> link.split(true);
                case STALL -> link.stall();
                // 30 bytes into the first message line to the faulty client: mid-packet
                case RESET -> link.downstream().resetAfter(link.downstream().forwarded() + 30);
            }

            // Paced so that the members it waits for stay within the ring: they must then lose nothing.
            List<TestClient> paced = fault == Fault.DELAY || fault == Fault.SPLIT ? List.of(a, b, c) : List.of(a, b);
            List<String> expected = postPaced(a, paced, n, pad);

            switch (fault) {
                case DELAY, SPLIT -> {
                    assertThat(c.bytes()).isEqualTo(b.bytes());
                    if (fault == Fault.SPLIT) {
                        assertThat(link.downstream().writes()).isEqualTo(link.downstream().forwarded());
                    }
                }
                case STALL -> {
                    int heldUp = n - c.linesQueued();
                    assertThat(heldUp).as("messages held up behind the stall").isPositive();
                    link.resume();
                    Tally t = tally(c, n);
                    assertThat(t.received + t.dropped).as("received + dropped").isEqualTo(n);
                    assertThat(t.dropped).as("a member %d messages behind a %d-message ring lags", heldUp, CAPACITY)
                            .isPositive();
                    System.out.printf("fault STALL: %d of %d messages held up behind the stall; then received %d, "
                            + "told of %d dropped%n", heldUp, n, t.received, t.dropped);
                }
                case RESET -> {
                    await().atMost(WAIT).until(() -> c.ended() && server.connectionCount() == 2);
                    awaitMembers("room", 2);
                    assertThat(link.downstream().forwarded()).as("bytes of the first message that got through").isEqualTo(30);
                }
            }

            // Still serving: a new post reaches both healthy members.
            b.post("room", "after");
            String after = "{\"Message\":{\"group_name\":\"room\",\"message\":\"after\"}}";
            assertThat(a.readLines(1, WAIT)).containsExactly(after);
            assertThat(b.readLines(1, WAIT)).containsExactly(after);
        }
    }

    @Test
    @DisplayName("one-byte writes both ways still produce exact bytes")
    void oneByteSplitsBothWays() throws Exception {
        try (TestClient a = TestClient.connect(server.address()).readInBackground();
             TestClient c = TestClient.connect(proxy.address()).readInBackground()) {
            FaultProxy.Link link = proxy.nextLink(WAIT);
            link.split(true);
            a.join("split");
            // CRLF line ends, multi-byte UTF-8 cut across writes, escapes, a bad line in between.
            c.sendBytes("{\"Join\":{\"group_name\":\"split\"}}\r\n".getBytes(UTF_8));
            awaitMembers("split", 2);
            String[] texts = {"héllo wörld", "✓ 😀 ок", "\"quoted\" \\ back\tslash", "plain"};
            StringBuilder upstream = new StringBuilder();
            List<byte[]> expected = new ArrayList<>();
            for (String t : texts) {
                upstream.append("{\"Post\":{\"group_name\":\"split\",\"message\":")
                        .append(json(t)).append("}}\r\n");
                expected.add(Codec.encodeMessage("split", t));
            }
            upstream.append("{\"Post\":{\"group_name\":\"nowhere\",\"message\":\"x\"}}\n");
            byte[] sent = upstream.toString().getBytes(UTF_8);
            c.sendBytes(sent);

            byte[] messages = concat(expected);
            byte[] error = Codec.encodeError("Group 'nowhere' does not exist");
            await().atMost(WAIT).until(() -> c.bytes().length >= messages.length + error.length);
            assertThat(c.bytes()).isEqualTo(concat(List.of(messages, error)));
            await().atMost(WAIT).until(() -> a.bytes().length >= messages.length);
            assertThat(a.bytes()).isEqualTo(messages);

            long joinBytes = "{\"Join\":{\"group_name\":\"split\"}}\r\n".length();
            assertThat(link.upstream().forwarded()).isEqualTo(joinBytes + sent.length);
            assertThat(link.upstream().writes()).isEqualTo(link.upstream().forwarded());
            assertThat(link.downstream().writes()).isEqualTo(link.downstream().forwarded());
        }
    }

    @Test
    @DisplayName("a reset in the middle of a request leaves no subscription behind")
    void resetMidRequest() throws Exception {
        try (TestClient a = TestClient.connect(server.address()).readInBackground();
             TestClient c = TestClient.connect(proxy.address()).readInBackground()) {
            FaultProxy.Link link = proxy.nextLink(WAIT);
            a.join("room");
            c.join("room");
            c.join("solo");
            awaitMembers("room", 2);
            awaitMembers("solo", 1);
            // Forward 9 bytes of the next request, then reset both ends.
            link.upstream().resetAfter(link.upstream().forwarded() + 9);
            c.post("room", "never arrives whole");
            await().atMost(WAIT).until(() -> server.connectionCount() == 1);
            awaitMembers("room", 1);
            assertThat(server.groups().get("solo")).as("a group whose only member was reset").isNull();
            assertThat(link.isReset()).isTrue();

            // The healthy member is unaffected and nothing of the cut request was delivered.
            a.post("room", "still here");
            assertThat(a.readLines(1, WAIT)).containsExactly("{\"Message\":{\"group_name\":\"room\",\"message\":\"still here\"}}");
            assertThat(a.nextLine(Duration.ofMillis(200))).isNull();
        }
    }

    @Test
    @DisplayName("many faulty paths at once: the healthy pair still gets every message")
    void manyFaultsAtOnce() throws Exception {
        List<TestClient> faulty = new ArrayList<>();
        try (TestClient a = TestClient.connect(server.address()).readInBackground();
             TestClient b = TestClient.connect(server.address()).readInBackground()) {
            a.join("room");
            b.join("room");
            for (int i = 0; i < 8; i++) {
                TestClient c = TestClient.connect(proxy.address()).readInBackground();
                faulty.add(c);
                FaultProxy.Link link = proxy.nextLink(WAIT);
                switch (i % 4) {
                    case 0 -> link.delay(Duration.ofMillis(50));
                    case 1 -> link.split(true);
                    case 2 -> link.stall();
                    default -> link.downstream().resetAfter(1 + i); // cut inside the first message
                }
                c.join("room");
            }
            // Joins through stalled links never arrive; the rest do.
            awaitMembers("room", 2 + 6);
            int n = 300;
            postPaced(a, List.of(a, b), n, 100);
            // The reset links are gone; the stalled ones hold their connections but no membership.
            await().atMost(WAIT).until(() -> server.connectionCount() == 2 + 6);
            awaitMembers("room", 2 + 4);
        } finally {
            for (TestClient c : faulty) c.close();
        }
        // A stalled path never passes its client's FIN on, so the server still holds those; the
        // proxy's reset ends them. Then nothing is left: no session, no group.
        proxy.close();
        await().atMost(WAIT).until(() -> server.connectionCount() == 0 && server.groups().size() == 0);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Posts {@code n} messages from {@code poster} in windows of {@link #WINDOW}, waiting after each
     * window until every client in {@code members} has received exactly those lines, in order; a
     * member that keeps up like this is never more than a window behind, so it must lose nothing.
     * Returns the expected lines.
     */
    private static List<String> postPaced(TestClient poster, List<TestClient> members, int n, int pad)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(n);
        for (int from = 0; from < n; from += WINDOW) {
            List<String> window = new ArrayList<>(WINDOW);
            for (int i = from; i < Math.min(n, from + WINDOW); i++) {
                String m = message(i, pad);
                poster.post("room", m);
                window.add("{\"Message\":{\"group_name\":\"room\",\"message\":\"" + m + "\"}}");
            }
            for (TestClient member : members) {
                assertThat(member.readLines(window.size(), WAIT)).as("messages %d.. at a healthy member", from)
                        .containsExactlyElementsOf(window);
            }
            all.addAll(window);
        }
        return all;
    }

    /** What a member that fell behind saw: messages (in order, with gaps exactly where it was told) and Dropped counts. */
    private record Tally(long received, long dropped) {}

    private static Tally tally(TestClient c, int n) throws IOException {
        long next = 0;
        long received = 0;
        long dropped = 0;
        while (next < n) {
            String line = c.nextLine(WAIT);
            assertThat(line).as("line after message %d of %d", next, n).isNotNull();
            Matcher m = MESSAGE.matcher(line);
            Matcher d = DROPPED.matcher(line);
            if (m.matches()) {
                assertThat(Long.parseLong(m.group(1))).as("next message").isEqualTo(next);
                next++;
                received++;
            } else if (d.matches()) {
                long k = Long.parseLong(d.group(1));
                next += k;
                dropped += k;
            } else {
                throw new AssertionError("unexpected line: " + line);
            }
        }
        assertThat(next).as("accounted messages").isEqualTo(n);
        return new Tally(received, dropped);
    }

    private void awaitMembers(String group, int members) {
        await().atMost(WAIT).until(() -> {
            Group g = server.groups().get(group);
            return g != null && g.members() == members;
        });
    }

    private static String message(int i, int pad) {
        return "m%06d-%s".formatted(i, "x".repeat(pad));
    }

    private static String json(String s) {
        return new String(Codec.encodeError(s), UTF_8).replaceFirst("^\\{\"Error\":", "").replaceFirst("}\n$", "");
    }

    private static byte[] concat(List<byte[]> parts) {
        int len = 0;
        for (byte[] p : parts) len += p.length;
        byte[] out = new byte[len];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
