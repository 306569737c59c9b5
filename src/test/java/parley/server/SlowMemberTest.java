package parley.server;

import parley.testing.Harness;
import parley.testing.TestClient;
import parley.net.ChatServer;
import static org.assertj.core.api.Assertions.assertThat;
import static parley.testing.Harness.awaitMembers;
import static parley.testing.TestClient.messageLine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.Codec;
import parley.protocol.FromServer;

/**
 * A member that does not read neither slows the others nor makes the server hold more than the
 * group's capacity; when it reads again it is told exactly how many messages it missed.
 */
class SlowMemberTest {
    static final int CAPACITY = 100;
    /** At least this many messages; more if the kernel could buffer that many for S (see {@link #messageCount}). */
    static final int MIN_N = 20_000;
    static final String GROUP = "slow";
    private static final Pattern DROPPED = Pattern.compile("Dropped (\\d+) messages from " + GROUP + "\\.");

    /** About {@code size} bytes of message text, numbered. */
    private static String body(int i, int size) {
        String head = String.format("m%06d ", i);
        return head + "z".repeat(size - head.length());
    }

    /**
     * How many messages to post so that S must lose some: the server's send buffer to S grows by
     * autotuning up to {@code tcp_wmem}'s maximum (4 MiB by default), and everything that fits in
     * it (plus S's tiny receive buffer and the 32 KiB write buffer) reaches S without a drop. Posting
     * at least twice that maximum guarantees an overflow whatever the kernel decides.
     */
    static int messageCount() {
        return messageCount(100, MIN_N);
    }

    static int messageCount(int bodySize, int min) {
        long wmemMax = 4L << 20;
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
            wmemMax = Long.parseLong(f[2]);
        } catch (java.io.IOException | RuntimeException e) {
            // keep the kernel default
        }
        int lineBytes = messageLine(GROUP, body(0, bodySize)).length() + 1;
        long needed = (2 * wmemMax + (1 << 20)) / lineBytes + 1;
        return (int) Math.max(min, Math.min(needed, 999_999));
    }

    private static int indexOf(String message) {
        return Integer.parseInt(message.substring(1, 7));
    }

    /** Posts in batches: the group is busy, so its members' writer threads do the writing. */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void slowMemberDoesNotSlowOthersAndIsToldExactlyWhatItMissed() throws Exception {
        slowMember(100, MIN_N, 25, 0);
    }

    /**
     * Posts one at a time, further apart than a busy group's posts: each is written inline by the
     * poster's thread, which must hand S's stalled socket to a writer thread rather than wait for it.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void slowMemberOfAQuietGroupDoesNotHoldUpThePostersInlineWrites() throws Exception {
        slowMember(16 * 1024, 300, 1, 1_000_000);
    }

    private static void slowMember(int bodySize, int minMessages, int batch, long pauseNanos) throws Exception {
        final int N = messageCount(bodySize, minMessages);
        System.out.println("SlowMemberTest: posting " + N + " messages of " + bodySize + " bytes");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ChatServer server = ChatServer.start(Harness.loopback().withGroupCapacity(CAPACITY));
                TestClient slow = TestClient.connect(server.address(), 4096, 8192);
                TestClient fast = TestClient.connect(server);
                TestClient poster = TestClient.connect(server)) {
            slow.join(GROUP);
            fast.join(GROUP);
            awaitMembers(server, GROUP, 2);

            // F reads everything, in order, concurrently with the posting.
            AtomicInteger fastGot = new AtomicInteger();
            Future<?> fastReader = pool.submit(() -> {
                for (int i = 0; i < N; i++) {
                    String line = fast.readLine(Duration.ofSeconds(60));
                    assertThat(line).isEqualTo(messageLine(GROUP, body(i, bodySize)));
                    fastGot.set(i + 1);
                }
                return null;
            });

            // The poster keeps at most WINDOW messages ahead of F, well inside the capacity, so F can
            // never legitimately lag. If S's stalled socket held anyone up, F would stop progressing
            // and this loop would hit its deadline.
            final int window = CAPACITY / 2;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            for (int i = 0; i < N; i += batch) {
                int end = Math.min(N, i + batch);
                while (fastGot.get() < end - window) {
                    assertThat(System.nanoTime()).as("F stalled at %d of %d", fastGot.get(), N).isLessThan(deadline);
                    assertThat(fastReader.isDone()).as("F's reader ended early").isFalse();
                    LockSupport.parkNanos(200_000);
                }
                buf.reset();
                for (int k = i; k < end; k++) {
                    buf.writeBytes((TestClient.postLine(GROUP, body(k, bodySize)) + "\n").getBytes(StandardCharsets.UTF_8));
                }
                poster.sendBytes(buf.toByteArray());
                if (pauseNanos > 0) LockSupport.parkNanos(pauseNanos);
            }
            fastReader.get(120, TimeUnit.SECONDS);
            assertThat(fastGot.get()).isEqualTo(N);
            assertThat(server.groups().get(GROUP).posted()).isEqualTo(N);

            // Now S reads: a prefix, Dropped notices, the tail; every message accounted for exactly.
            int received = 0;
            long dropped = 0;
            int drops = 0;
            int last = -1;
            for (int lines = 0; last < N - 1; lines++) {
                assertThat(lines).as("lines read by S").isLessThan(2 * N);
                byte[] raw = slow.readLineBytes(Duration.ofSeconds(60));
                assertThat(raw).as("S's stream ended").isNotNull();
                FromServer packet = Codec.decodeReply(raw, 0, raw.length);
                switch (packet) {
                    case FromServer.Message m -> {
                        assertThat(m.groupName()).isEqualTo(GROUP);
                        int i = indexOf(m.message());
                        assertThat(m.message()).isEqualTo(body(i, bodySize));
                        assertThat(i).as("S's messages in increasing order").isGreaterThan(last);
                        // A gap is allowed only right after a Dropped notice, and must match it exactly.
                        assertThat(i).as("no silent gap after message %d", last).isEqualTo(last + 1);
                        last = i;
                        received++;
                    }
                    case FromServer.Error e -> {
                        Matcher d = DROPPED.matcher(e.text());
                        assertThat(d.matches()).as("error %s", e.text()).isTrue();
                        long k = Long.parseLong(d.group(1));
                        assertThat(k).isPositive();
                        dropped += k;
                        drops++;
                        // The notice moves S to the oldest message held: the next one is last + 1 + k.
                        last += (int) k;
                    }
                    default -> throw new AssertionError("unexpected packet " + packet);
                }
            }
            System.out.printf("SlowMemberTest: S received %d, dropped %d in %d notices%n", received, dropped, drops);
            assertThat(drops).as("Dropped notices").isGreaterThanOrEqualTo(1);
            assertThat(received + dropped).isEqualTo(N);
            assertThat(received).as("S gets at least the capacity's worth at the end").isGreaterThanOrEqualTo(CAPACITY);

            // S is live again.
            poster.post(GROUP, "after the storm");
            slow.expectLine(messageLine(GROUP, "after the storm"), Duration.ofSeconds(30));
            fast.expectLine(messageLine(GROUP, "after the storm"), Duration.ofSeconds(30));
        } finally {
            pool.shutdownNow();
        }
    }
}
