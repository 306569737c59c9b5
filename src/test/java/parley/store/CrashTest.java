package parley.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.protocol.Codec;
import parley.protocol.FromServer;
import parley.protocol.ProtocolException;
import parley.testing.ChildServer;

/**
 * The store's promise under {@code kill -9}: a server process is killed at random moments while
 * posters post with ids and members read; after each restart on the same data, every post that
 * got {@code Posted} is stored exactly once with the seq it was told, no seq is stored twice, and
 * no seq a member saw before a crash names a different message after it. Resending every id
 * after the last restart lands each post once. Bounded: {@link #CRASHES} crashes, each at most
 * 800 ms after the first Posted of its run.
 */
@DisplayName("kill -9 while posting: nothing acknowledged lost, no seq given twice")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrashTest {
    static final int CRASHES = 4;
    private static final int POSTERS = 3;
    private static final List<String> GROUPS = List.of("g0", "g1");

    @TempDir
    Path dir;

    /** One connection: lines in on a thread of its own, lines out on the caller's. */
    private static final class Conn implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final List<FromServer> got = java.util.Collections.synchronizedList(new ArrayList<>());
        final Thread reader;

        Conn(InetSocketAddress a, String name) throws IOException {
            socket = new Socket();
            socket.connect(a, 5000);
            out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
            reader = Thread.ofVirtual().start(() -> {
                try {
                    for (String l; (l = in.readLine()) != null; ) {
                        byte[] b = l.getBytes(UTF_8);
                        got.add(Codec.decodeReply(b, 0, b.length));
                    }
                } catch (IOException | ProtocolException e) {
                    // the server was killed: what arrived is what counts
                }
            });
            send("{\"Hello\":{\"name\":\"" + name + "\"}}");
        }

        void send(String line) throws IOException {
            out.write((line + "\n").getBytes(UTF_8));
            out.flush();
        }

        /** Replies of these kinds received so far. */
        long count(Class<?>... kinds) {
            synchronized (got) {
                return got.stream().filter(r -> java.util.Arrays.stream(kinds).anyMatch(k -> k.isInstance(r))).count();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String post(String group, String id) {
        return "{\"Post\":{\"group_name\":\"" + group + "\",\"message\":\"" + id + "\",\"id\":\"" + id + "\"}}";
    }

    @Test
    void crashLoop() throws Exception {
        crashLoop(CRASHES);
    }

    /** The longer form, with the long tests ({@code ./parley test -P long-tests}): 20 crashes. */
    @Test
    @org.junit.jupiter.api.Tag("long")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void crashLoopLong() throws Exception {
        crashLoop(20);
    }

    private void crashLoop(int crashes) throws Exception {
        Random random = new Random(20261207L);
        Map<String, Long> acked = new HashMap<>();          // id -> seq told in Posted
        Map<String, String> groupOf = new HashMap<>();      // id -> group
        Map<String, Map<Long, String>> seen = new HashMap<>(); // group -> seq -> text a member saw
        for (String g : GROUPS) seen.put(g, new HashMap<>());
        try (ChildServer server = new ChildServer(List.of("--data", dir.resolve("data").toString()), dir.resolve("server.log"))) {
            // Every id sent stays within the server's documented memory for ids (one per 16 KiB of
            // --max-memory: 65,536 at the default 1g) over the dedup window the test runs in.
            int perRound = Math.min(3000, 40_000 / (crashes * POSTERS));
            for (int crash = 0; crash < crashes; crash++) {
                server.start();
                runUntilKilled(server, crash, perRound, random, acked, groupOf, seen);
            }
            server.start();
            checkAfterRestart(server, acked, groupOf, seen);
            server.stop();
            System.out.printf("CrashTest: %d crashes, %d posts sent, %d acknowledged before a crash, %d seqs seen by members%n",
                    crashes, groupOf.size(), acked.size(), seen.values().stream().mapToInt(Map::size).sum());
        }
    }

    private static void runUntilKilled(ChildServer server, int round, int perRound, Random random, Map<String, Long> acked,
            Map<String, String> groupOf, Map<String, Map<Long, String>> seen) throws Exception {
        List<Conn> members = new ArrayList<>();
        for (String g : GROUPS) {
            Conn m = new Conn(server.address(), "m" + round + g);
            m.send("{\"Join\":{\"group_name\":\"" + g + "\"}}");
            members.add(m);
        }
        Thread.sleep(200); // the members' Joins are in before the posts begin
        AtomicBoolean stop = new AtomicBoolean();
        List<Conn> posters = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Map<String, String> sent = new ConcurrentHashMap<>();
        for (int p = 0; p < POSTERS; p++) {
            Conn c = new Conn(server.address(), "p" + round + "x" + p);
            posters.add(c);
            int poster = p;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < perRound && !stop.get(); i++) {
                        String g = GROUPS.get((poster + i) % GROUPS.size());
                        String id = "r" + round + "p" + poster + "i" + i;
                        sent.put(id, g);
                        c.send(post(g, id));
                        if (i % 5 == 0) Thread.sleep(2);
                    }
                } catch (IOException | InterruptedException e) {
                    // killed under us
                }
            }));
        }
        // Killed at a random moment once something is acknowledged: a cold server on a busy
        // machine may take longer than the random delay alone to commit its first batch.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> posters.stream().anyMatch(c -> c.count(FromServer.Posted.class) > 0));
        Thread.sleep(random.nextInt(800));
        server.kill();
        stop.set(true);
        for (Thread t : threads) t.join(5000);
        for (Conn c : posters) {
            c.reader.join(5000);
            synchronized (c.got) {
                for (FromServer r : c.got) {
                    if (r instanceof FromServer.Posted p) {
                        assertThat(acked.put(p.id(), p.seq())).as("one Posted per id").isNull();
                    }
                }
            }
            c.close();
        }
        groupOf.putAll(sent);
        for (Conn m : members) {
            m.reader.join(5000);
            synchronized (m.got) {
                for (FromServer r : m.got) {
                    if (r instanceof FromServer.Message msg) {
                        String before = seen.get(msg.groupName()).put(msg.seq(), msg.message());
                        assertThat(before == null || before.equals(msg.message()))
                                .as("seq %d of %s named %s, then %s", msg.seq(), msg.groupName(), before, msg.message())
                                .isTrue();
                    }
                }
            }
            m.close();
        }
        assertThat(acked).as("round %d: some posts were acknowledged before the kill", round).isNotEmpty();
    }

    private static void checkAfterRestart(ChildServer server, Map<String, Long> acked, Map<String, String> groupOf,
            Map<String, Map<Long, String>> seen) throws Exception {
        // Everything stored, group by group, oldest first.
        Map<String, Map<Long, String>> stored = new HashMap<>();
        try (Conn reader = new Conn(server.address(), "reader")) {
            for (String g : GROUPS) {
                reader.send("{\"Fetch\":{\"group_name\":\"" + g + "\",\"after\":0,\"limit\":1000000}}");
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() ->
                    reader.count(FromServer.Fetched.class) == GROUPS.size());
            for (String g : GROUPS) stored.put(g, new HashMap<>());
            Map<String, Integer> copies = new HashMap<>();
            synchronized (reader.got) {
                for (FromServer r : reader.got) {
                    if (!(r instanceof FromServer.Message m)) continue;
                    assertThat(stored.get(m.groupName()).put(m.seq(), m.message())).as("seq stored twice").isNull();
                    copies.merge(m.message(), 1, Integer::sum);
                }
            }
            assertThat(copies.values()).as("no post stored twice").allMatch(n -> n == 1);
        }
        for (var e : acked.entrySet()) {
            String g = groupOf.get(e.getKey());
            assertThat(stored.get(g).get(e.getValue())).as("acknowledged %s at seq %d", e.getKey(), e.getValue())
                    .isEqualTo(e.getKey());
        }
        for (String g : GROUPS) {
            for (var s : seen.get(g).entrySet()) {
                String now = stored.get(g).get(s.getKey());
                assertThat(now == null || now.equals(s.getValue()))
                        .as("seq %d of %s was %s before a crash and is %s now", s.getKey(), g, s.getValue(), now).isTrue();
            }
        }
        // Resend every id: each lands once; the acknowledged ones answer with their old seq.
        try (Conn resender = new Conn(server.address(), "resender")) {
            for (var e : groupOf.entrySet()) resender.send(post(e.getValue(), e.getKey()));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() ->
                    resender.count(FromServer.Posted.class, FromServer.Error.class) >= groupOf.size());
            Map<String, Long> again = new HashMap<>();
            synchronized (resender.got) {
                for (FromServer r : resender.got) {
                    assertThat(r).as("an answer to a resend").isNotInstanceOf(FromServer.Error.class);
                    if (r instanceof FromServer.Posted p) again.put(p.id(), p.seq());
                }
            }
            assertThat(again.keySet()).containsExactlyInAnyOrderElementsOf(groupOf.keySet());
            for (var e : acked.entrySet()) assertThat(again.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            for (var e : groupOf.entrySet()) {
                Long seq = stored.get(e.getValue()).entrySet().stream().filter(x -> x.getValue().equals(e.getKey()))
                        .map(Map.Entry::getKey).findFirst().orElse(null);
                if (seq != null) assertThat(again.get(e.getKey())).as("stored %s", e.getKey()).isEqualTo(seq);
            }
        }
    }
}
