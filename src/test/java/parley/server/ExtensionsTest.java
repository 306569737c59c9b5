package parley.server;

import parley.testing.TestClient;
import parley.net.ChatServer;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static parley.testing.TestClient.errorLine;
import static parley.testing.TestClient.welcome;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.FromServer;

/**
 * Parley's protocol extensions over real loopback sockets: Hello/Welcome, from and seq, Leave,
 * List, Members, Join with history, Fetch, names, retention and lag recovery, and the rule that a
 * connection that never says Hello sees exactly the book's bytes.
 */
@DisplayName("Protocol extensions")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExtensionsTest {
    private static final Pattern DROPPED = Pattern.compile("Dropped (\\d+) messages from (.+)\\.");
    private static final Duration AWAIT = Duration.ofSeconds(30);

    private ChatServer server;
    private InetSocketAddress address;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private ExecutorService threads;

    private void start(ServerConfig config) throws IOException {
        server = ChatServer.start(config.withAddress(new InetSocketAddress("127.0.0.1", 0)));
        address = server.address();
    }

    private void start() throws IOException {
        start(ServerConfig.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        if (threads != null) threads.shutdownNow();
        for (AutoCloseable c : toClose) c.close();
        if (server != null) server.close();
    }

    private TestClient book() throws IOException {
        return track(TestClient.connect(address));
    }

    private TestClient hello(String name) throws IOException {
        return track(TestClient.hello(address, name));
    }

    private TestClient track(TestClient c) {
        toClose.add(c);
        return c;
    }

    private static String join(String group) {
        return line(new FromClient.Join(group));
    }

    private static String post(String group, String message) {
        return line(new FromClient.Post(group, message));
    }

    private static String line(FromClient request) {
        return new String(Codec.encode(request), UTF_8).stripTrailing();
    }

    private static String message(String group, String text, String from, long seq) {
        return new String(Codec.encodeMessage(group, text, from, seq), UTF_8).stripTrailing();
    }

    private static String bookMessage(String group, String text) {
        return new String(Codec.encodeMessage(group, text), UTF_8).stripTrailing();
    }

    private static FromServer.Message asMessage(String line) {
        FromServer p = TestClient.decode(line);
        assertThat(p).as("reply %s", line).isInstanceOf(FromServer.Message.class);
        return (FromServer.Message) p;
    }

    /** The seqs of the Message lines, the Fetched summaries that end a history left out. */
    private static List<Long> seqs(List<String> lines) {
        return lines.stream().filter(l -> !l.startsWith("{\"Fetched\"")).map(l -> asMessage(l).seq()).toList();
    }

    private static String fetched(String group, long count, long oldest, long newest) {
        return "{\"Fetched\":{\"group_name\":\"" + group + "\",\"count\":" + count + ",\"oldest\":" + oldest
                + ",\"newest\":" + newest + "}}";
    }

    private static List<Long> range(long fromInclusive, long toInclusive) {
        List<Long> out = new ArrayList<>();
        for (long s = fromInclusive; s <= toInclusive; s++) out.add(s);
        return out;
    }

    /**
     * A member that keeps the group alive and never reads. Posts that must be compared exactly
     * come from non-members, whose connections carry only replies, strictly in request order
     * (group messages and replies to one member are not ordered relative to each other).
     */
    private void keepAlive(String group) throws IOException {
        TestClient keeper = book();
        keeper.send(join(group));
        keeper.sync();
    }

    /** Lines before the Groups reply of a sync. */
    private static List<String> beforeSync(List<String> lines) {
        return lines.subList(0, lines.size() - 1);
    }

    // ------------------------------------------------------------------ Hello, Message from/seq

    @Test
    @DisplayName("Hello is answered with Welcome; Hello'd members get from and seq, numbered per group from 1")
    void helloAndExtendedMessages() throws IOException {
        start();
        TestClient alice = track(TestClient.connect(address));
        alice.send("{\"Hello\":{\"name\":\"alice\"}}");
        alice.expectLine("{\"Welcome\":{\"name\":\"alice\",\"server\":\"parley " + parley.server.Version.current() + "\"}}");
        TestClient bob = hello("bob");
        alice.send(join("dogs"), join("cats"));
        alice.sync();
        bob.send(join("dogs"));
        bob.sync();

        alice.send(post("dogs", "hi"));
        alice.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hi\",\"from\":\"alice\",\"seq\":1}}");
        bob.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hi\",\"from\":\"alice\",\"seq\":1}}");
        bob.send(post("dogs", "woof"));
        alice.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof\",\"from\":\"bob\",\"seq\":2}}");
        bob.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof\",\"from\":\"bob\",\"seq\":2}}");
        // Each group counts on its own.
        bob.send(post("cats", "meow"));
        alice.expectLine("{\"Message\":{\"group_name\":\"cats\",\"message\":\"meow\",\"from\":\"bob\",\"seq\":1}}");
        // Escapes come before the extension fields, exactly as the book's message is encoded.
        alice.send(post("dogs", "tab\there \"q\" \\ naïve \u0001"));
        alice.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"tab\\there \\\"q\\\" \\\\ naïve \\u0001\","
                + "\"from\":\"alice\",\"seq\":3}}");
        // Saying Hello again under the same name is answered again, and changes nothing.
        alice.send("{\"Hello\":{\"name\":\"alice\"}}");
        alice.expectLine(welcome("alice"));
        assertThat(beforeSync(alice.sync())).isEmpty();
    }

    @Test
    @DisplayName("a connection that never says Hello gets exactly the book's bytes, next to Hello'd members")
    void bookConnectionKeepsBookBytes() throws IOException {
        start();
        TestClient book = book();
        book.send(join("dogs"));
        TestClient alice = hello("alice");
        alice.send(join("dogs"));
        alice.sync();

        book.send(post("dogs", "from the book"));
        book.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"from the book\"}}");
        // The poster never said Hello: no "from", but Hello'd members still get the seq.
        alice.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"from the book\",\"seq\":1}}");

        alice.send(post("dogs", "from alice \"quoted\""));
        book.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"from alice \\\"quoted\\\"\"}}");
        alice.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"from alice \\\"quoted\\\"\","
                + "\"from\":\"alice\",\"seq\":2}}");

        book.send(post("cats", "meow"));
        book.expectLine("{\"Error\":\"Group 'cats' does not exist\"}");

        // Join with history and Fetch, asked by a book connection, still answer in the book's form.
        TestClient late = book();
        late.send("{\"Join\":{\"group_name\":\"dogs\",\"history\":5}}", post("dogs", "live"));
        late.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"from the book\"}}");
        late.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"from alice \\\"quoted\\\"\"}}");
        late.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"live\"}}");
        book.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"live\"}}");
        alice.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"live\",\"seq\":3}}");

        // Nothing else reached the book connection in between: the next line is the next post.
        alice.send(post("dogs", "last"));
        book.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"last\"}}");
        late.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"last\"}}");
    }

    // ------------------------------------------------------------------ List, Members

    @Test
    @DisplayName("List and Members page with limit and after; a Listed summary follows a paged request")
    void pages() throws IOException {
        start();
        TestClient alice = hello("alice");
        TestClient bob = hello("bob");
        TestClient carol = hello("carol");
        for (TestClient c : List.of(alice, bob, carol)) c.send(join("dogs"));
        alice.send(join("ants"), join("cats"));
        bob.sync();
        carol.sync();
        alice.sync();
        alice.send("{\"List\":{\"limit\":2}}");
        alice.expectLine("{\"Groups\":[{\"name\":\"ants\",\"members\":1},{\"name\":\"cats\",\"members\":1}]}");
        alice.expectLine("{\"Listed\":{\"count\":2,\"more\":true}}");
        alice.send("{\"List\":{\"limit\":2,\"after\":\"cats\"}}");
        alice.expectLine("{\"Groups\":[{\"name\":\"dogs\",\"members\":3}]}");
        alice.expectLine("{\"Listed\":{\"count\":1,\"more\":false}}");
        alice.send("{\"List\":{\"after\":\"zzz\"}}");
        alice.expectLine("{\"Groups\":[]}");
        alice.expectLine("{\"Listed\":{\"count\":0,\"more\":false}}");

        alice.send("{\"Members\":{\"group_name\":\"dogs\",\"limit\":2}}");
        alice.expectLine("{\"Members\":{\"group_name\":\"dogs\",\"names\":[\"alice\",\"bob\"]}}");
        alice.expectLine("{\"Listed\":{\"group_name\":\"dogs\",\"count\":2,\"more\":true}}");
        alice.send("{\"Members\":{\"group_name\":\"dogs\",\"limit\":2,\"after\":\"bob\"}}");
        alice.expectLine("{\"Members\":{\"group_name\":\"dogs\",\"names\":[\"carol\"]}}");
        alice.expectLine("{\"Listed\":{\"group_name\":\"dogs\",\"count\":1,\"more\":false}}");
        // Bad page values are named; the plain forms answer as they always did, with no summary.
        alice.send("{\"List\":{\"limit\":0}}");
        alice.expectLine(errorLine("field 'limit' of List must be a whole number from 1 to " + Long.MAX_VALUE));
        alice.send("{\"Members\":{\"group_name\":\"dogs\",\"after\":1}}");
        alice.expectLine(errorLine("field 'after' of Members must be a string"));
        alice.send("{\"Members\":{\"group_name\":\"dogs\"}}", "{\"List\":{}}");
        alice.expectLine("{\"Members\":{\"group_name\":\"dogs\",\"names\":[\"alice\",\"bob\",\"carol\"]}}");
        alice.expectLine("{\"Groups\":[{\"name\":\"ants\",\"members\":1},{\"name\":\"cats\",\"members\":1},"
                + "{\"name\":\"dogs\",\"members\":3}]}");
        alice.expectNoLineWithin(java.time.Duration.ofMillis(200));
    }

    @Test
    @DisplayName("List shows every group with its member count, sorted; a group goes away with its last member")
    void listShowsMemberCounts() throws IOException {
        start();
        TestClient alice = hello("alice");
        alice.send("{\"List\":{}}");
        alice.expectLine("{\"Groups\":[]}");

        TestClient bob = hello("bob");
        TestClient book = book();
        book.send(join("dogs"));
        book.send(post("dogs", "sync")); // the book connection's own message proves its Join was handled
        book.expectLine(bookMessage("dogs", "sync"));
        bob.send(join("dogs"), join("cats"));
        bob.sync();
        alice.send(join("dogs"), join("zebras \"z\""));
        alice.send("{\"List\":{}}");
        alice.expectLine("{\"Groups\":[{\"name\":\"cats\",\"members\":1},{\"name\":\"dogs\",\"members\":3},"
                + "{\"name\":\"zebras \\\"z\\\"\",\"members\":1}]}");

        alice.send("{\"Leave\":{\"group_name\":\"zebras \\\"z\\\"\"}}", "{\"Leave\":{\"group_name\":\"dogs\"}}");
        alice.send("{\"List\":{}}");
        alice.expectLine("{\"Groups\":[{\"name\":\"cats\",\"members\":1},{\"name\":\"dogs\",\"members\":2}]}");

        bob.close();
        await().atMost(AWAIT).until(() -> server.groups().get("cats") == null);
        alice.send("{\"List\":{}}");
        alice.expectLine("{\"Groups\":[{\"name\":\"dogs\",\"members\":1}]}");
        // The removed group is really gone: posting to it is an error.
        alice.send(post("cats", "anyone?"));
        alice.expectLine(errorLine("Group 'cats' does not exist"));
    }

    @Test
    @DisplayName("Members lists the Hello'd members' names, sorted; a missing group is an error")
    void membersListsNames() throws IOException {
        start();
        TestClient carol = hello("carol");
        TestClient alice = hello("alice");
        TestClient bob = hello("bob");
        TestClient book = book();
        book.send(join("dogs"), post("dogs", "sync"));
        book.expectLine(bookMessage("dogs", "sync"));
        bob.send(join("dogs"));
        bob.sync();
        alice.send(join("dogs"));
        alice.sync();

        carol.send("{\"Members\":{\"group_name\":\"dogs\"}}");
        carol.expectLine("{\"Members\":{\"group_name\":\"dogs\",\"names\":[\"alice\",\"bob\"]}}");
        carol.send("{\"Members\":{\"group_name\":\"x\"}}");
        carol.expectLine("{\"Error\":\"Group 'x' does not exist\"}");

        // A renamed member shows under its new name; one that left or disconnected is gone.
        alice.send("{\"Hello\":{\"name\":\"alicia\"}}");
        alice.expectLine(welcome("alicia"));
        carol.send("{\"Members\":{\"group_name\":\"dogs\"}}");
        carol.expectLine("{\"Members\":{\"group_name\":\"dogs\",\"names\":[\"alicia\",\"bob\"]}}");
        bob.close();
        await().atMost(AWAIT).until(() -> server.groups().get("dogs").members() == 2);
        alice.send("{\"Leave\":{\"group_name\":\"dogs\"}}");
        alice.sync();
        carol.send("{\"Members\":{\"group_name\":\"dogs\"}}");
        carol.expectLine("{\"Members\":{\"group_name\":\"dogs\",\"names\":[]}}");
    }

    // ------------------------------------------------------------------ Join with history, Fetch, retention

    @Test
    @DisplayName("Join with history sends up to that many earlier messages, then the live ones")
    void joinWithHistory() throws IOException {
        start();
        TestClient alice = hello("alice");
        alice.send(join("dogs"));
        for (int i = 1; i <= 5; i++) alice.send(post("dogs", "m" + i));
        assertThat(seqs(alice.readUntil(l -> l.contains("\"message\":\"m5\""), 100))).isEqualTo(range(1, 5));

        TestClient bob = hello("bob");
        bob.send("{\"Join\":{\"group_name\":\"dogs\",\"history\":3}}", post("dogs", "live"));
        bob.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"m3\",\"from\":\"alice\",\"seq\":3}}");
        bob.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"m4\",\"from\":\"alice\",\"seq\":4}}");
        bob.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"m5\",\"from\":\"alice\",\"seq\":5}}");
        bob.expectLine(fetched("dogs", 3, 1, 5)); // the history ends; what the group retains
        bob.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"live\",\"from\":\"bob\",\"seq\":6}}");

        // More history than there is: all of it. History 0 is the book's Join: nothing earlier.
        TestClient carol = hello("carol");
        carol.send("{\"Join\":{\"group_name\":\"dogs\",\"history\":1000}}", post("dogs", "c"));
        assertThat(seqs(carol.readUntil(l -> l.contains("\"message\":\"c\""), 100))).isEqualTo(range(1, 7));
        TestClient dave = hello("dave");
        dave.send("{\"Join\":{\"group_name\":\"dogs\",\"history\":0}}", post("dogs", "d")); // no Fetched either
        dave.expectLine(message("dogs", "d", "dave", 8));
        // Joining again, with history, changes nothing: no replay.
        dave.send("{\"Join\":{\"group_name\":\"dogs\",\"history\":5}}", post("dogs", "d2"));
        dave.expectLine(message("dogs", "d2", "dave", 9));
    }

    @Test
    @DisplayName("Fetch returns retained messages after a seq, or the newest; Fetch of a missing group is an error")
    void fetch() throws IOException {
        start();
        TestClient alice = hello("alice");
        alice.send(join("dogs"));
        for (int i = 1; i <= 5; i++) alice.send(post("dogs", "m" + i));
        alice.sync();

        TestClient bob = hello("bob"); // not a member: only Fetch replies reach it
        bob.send("{\"Fetch\":{\"group_name\":\"dogs\",\"after\":2,\"limit\":2}}");
        bob.expectLine(message("dogs", "m3", "alice", 3));
        bob.expectLine(message("dogs", "m4", "alice", 4));
        bob.expectLine(fetched("dogs", 2, 1, 5));
        bob.send("{\"Fetch\":{\"group_name\":\"dogs\",\"limit\":2}}");
        bob.expectLine(message("dogs", "m4", "alice", 4));
        bob.expectLine(message("dogs", "m5", "alice", 5));
        bob.expectLine(fetched("dogs", 2, 1, 5));
        // Paging back with before: the newest below it, oldest first, down to the first message.
        bob.send("{\"Fetch\":{\"group_name\":\"dogs\",\"before\":4,\"limit\":2}}");
        bob.expectLine(message("dogs", "m2", "alice", 2));
        bob.expectLine(message("dogs", "m3", "alice", 3));
        bob.expectLine(fetched("dogs", 2, 1, 5));
        bob.send("{\"Fetch\":{\"group_name\":\"dogs\",\"before\":2,\"limit\":2}}");
        bob.expectLine(message("dogs", "m1", "alice", 1));
        bob.expectLine(fetched("dogs", 1, 1, 5));
        bob.send("{\"Fetch\":{\"group_name\":\"dogs\",\"before\":1,\"limit\":2}}");
        bob.expectLine(fetched("dogs", 0, 1, 5));
        bob.send("{\"Fetch\":{\"group_name\":\"dogs\",\"before\":3,\"after\":1}}");
        bob.expectLine(errorLine("fields 'after' and 'before' of Fetch cannot be given together"));
        bob.send("{\"Fetch\":{\"after\":0,\"group_name\":\"dogs\"}}"); // default limit, any field order
        assertThat(seqs(beforeSync(bob.sync()))).isEqualTo(range(1, 5));
        bob.send("{\"Fetch\":{\"group_name\":\"dogs\",\"after\":5,\"limit\":10}}"); // nothing newer
        assertThat(beforeSync(bob.sync())).containsExactly(fetched("dogs", 0, 1, 5));
        bob.send("{\"Fetch\":{\"group_name\":\"x\",\"limit\":10}}");
        bob.expectLine("{\"Error\":\"Group 'x' does not exist\"}");
        bob.send("{\"Fetch\":{\"group_name\":\"dogs\",\"limit\":0}}");
        bob.expectLine(errorLine("limit must be at least 1"));
        // The connection carries on.
        bob.send(line(new FromClient.Fetch("dogs", OptionalLong.of(4), 1)));
        bob.expectLine(message("dogs", "m5", "alice", 5));
        bob.expectLine(fetched("dogs", 1, 1, 5));
    }

    @Test
    @DisplayName("retention: history keeps historyMessages, Join history is capped at the group capacity")
    void retentionLimits() throws IOException {
        start(ServerConfig.defaults().withGroupCapacity(10).withHistory(20, 1L << 20));
        keepAlive("dogs");
        TestClient alice = hello("alice"); // not a member: only replies reach it
        for (int i = 1; i <= 50; i++) alice.send(post("dogs", "m" + i));
        alice.sync();

        TestClient bob = hello("bob");
        bob.send("{\"Fetch\":{\"group_name\":\"dogs\",\"after\":0,\"limit\":100}}");
        assertThat(seqs(beforeSync(bob.sync()))).isEqualTo(range(31, 50));
        bob.send("{\"Join\":{\"group_name\":\"dogs\",\"history\":100}}", post("dogs", "live"));
        assertThat(seqs(bob.readUntil(l -> l.contains("\"message\":\"live\""), 100))).isEqualTo(range(41, 51));
    }

    @Test
    @DisplayName("retention: historyBytes bounds what is kept beyond the last capacity messages")
    void retentionBytes() throws IOException {
        // No room at all beyond the lag window: history is exactly the last `capacity` messages.
        start(ServerConfig.defaults().withGroupCapacity(10).withHistory(1000, 0));
        keepAlive("dogs");
        TestClient alice = hello("alice"); // not a member: only replies reach it
        for (int i = 1; i <= 30; i++) alice.send(post("dogs", "m" + i));
        alice.sync();
        alice.send("{\"Fetch\":{\"group_name\":\"dogs\",\"after\":0,\"limit\":1000}}");
        assertThat(seqs(beforeSync(alice.sync()))).isEqualTo(range(21, 30));
    }

    // ------------------------------------------------------------------ the hand-off from history to live

    @Test
    @DisplayName("Join with history while others keep posting: contiguous seqs, no gap, no duplicate, at most N earlier")
    void historyToLiveHandOffUnderConcurrentPosting() throws Exception {
        // Capacity above everything this test posts, so no receiver can lag and every gap is a bug.
        start(ServerConfig.defaults().withGroupCapacity(20_000));
        threads = Executors.newCachedThreadPool();
        keepAlive("dogs");

        int posters = 2;
        int maxPerPoster = 4000;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        List<Future<?>> posting = new ArrayList<>();
        for (int p = 0; p < posters; p++) {
            TestClient poster = hello("p" + p);
            String name = "p" + p;
            posting.add(threads.submit(() -> {
                for (int i = 1; i <= maxPerPoster && !stop.get(); i++) {
                    poster.send(post("dogs", name + "-" + i));
                    written.incrementAndGet();
                    if (i % 10 == 0) Thread.sleep(1); // keep posting spread over the joins, not a speed limit
                }
                poster.sync(); // every post of this poster has been handled
                return null;
            }));
        }

        long[] histories = {1, 40, 300};
        List<Future<List<String>>> received = new ArrayList<>();
        for (int k = 0; k < histories.length; k++) {
            int threshold = 400 * (k + 1);
            await().atMost(AWAIT).until(() -> written.get() >= threshold);
            TestClient j = hello("j" + k);
            // One write: a post just before the Join and one just after bracket the moment of joining.
            j.send(post("dogs", "before-j" + k),
                    "{\"Join\":{\"group_name\":\"dogs\",\"history\":" + histories[k] + "}}",
                    post("dogs", "after-j" + k));
            received.add(threads.submit(() -> j.readUntil(l -> l.contains("\"message\":\"end\""), 1_000_000)));
        }
        int more = written.get() + 200;
        await().atMost(AWAIT).until(() -> written.get() >= more || posting.stream().allMatch(Future::isDone));
        stop.set(true);
        for (Future<?> f : posting) f.get(60, TimeUnit.SECONDS);
        TestClient ender = hello("ender");
        ender.send(post("dogs", "end"));

        for (int k = 0; k < histories.length; k++) {
            long n = histories[k];
            List<FromServer.Message> got = received.get(k).get(60, TimeUnit.SECONDS).stream()
                    .filter(l -> !l.startsWith("{\"Fetched\"")).map(ExtensionsTest::asMessage).toList();
            List<Long> s = got.stream().map(FromServer.Message::seq).toList();
            long first = s.getFirst();
            assertThat(s).as("joiner %d: seqs contiguous and in order", k)
                    .isEqualTo(range(first, s.getLast()));
            // Each poster's own messages are consecutive too: nothing lost, nothing repeated.
            Map<String, Integer> lastOf = new HashMap<>();
            for (FromServer.Message m : got) {
                if (!m.from().startsWith("p")) continue;
                int i = Integer.parseInt(m.message().substring(m.message().indexOf('-') + 1));
                Integer prev = lastOf.put(m.from(), i);
                if (prev != null) assertThat(i).as("joiner %d, %s", k, m.from()).isEqualTo(prev + 1);
            }
            assertThat(got.getLast().message()).isEqualTo("end");
            long after = seqOf(got, "after-j" + k);
            assertThat(after).as("joiner %d got its own post after the Join", k).isPositive();
            // The join happened after "before" and before "after": the first live seq T+1 is in
            // (before, after]. History is min(N, T) messages, so the first seq is max(1, T-N+1).
            assertThat(first).as("joiner %d: got at least N=%d earlier messages", k, n)
                    .isLessThanOrEqualTo(Math.max(1, after - n));
            long before = seqOf(got, "before-j" + k); // -1 if older than the history it got: fine
            if (before > 0) {
                assertThat(first).as("joiner %d: got at most N=%d earlier messages", k, n)
                        .isGreaterThanOrEqualTo(before - n + 1);
            }
        }
    }

    private static long seqOf(List<FromServer.Message> got, String text) {
        return got.stream().filter(m -> m.message().equals(text)).mapToLong(FromServer.Message::seq)
                .findFirst().orElse(-1);
    }

    // ------------------------------------------------------------------ lag, then Fetch what was missed

    @Test
    @DisplayName("a member that lagged is told how many it missed and can Fetch exactly those")
    void fetchAfterRealLag() throws IOException {
        int total = 3000;
        start(ServerConfig.defaults().withGroupCapacity(50).withHistory(5000, 64L << 20));
        TestClient slow = track(TestClient.connect(address, 4096));
        slow.send("{\"Hello\":{\"name\":\"slow\"}}", join("lag"));
        slow.expectLine(welcome("slow"));
        slow.sync();

        // 3000 posts of 1 KB: far more than the capacity plus every buffer between server and client.
        TestClient poster = hello("poster");
        String pad = " " + "x".repeat(1000);
        List<String> batch = new ArrayList<>();
        for (int i = 1; i <= total; i++) {
            batch.add(post("lag", "m" + i + pad));
            if (batch.size() == 100) {
                poster.send(batch.toArray(String[]::new));
                batch.clear();
            }
        }
        poster.sync(); // all posted before the slow member reads anything

        // Read everything: messages, and the Dropped notices between them.
        // A gap: the notice's count of messages missed after `after`, the last seq seen or skipped
        // (notices can come back to back while the member is still behind).
        record Gap(long after, long missed) {}
        List<Gap> gaps = new ArrayList<>();
        TreeSet<Long> seen = new TreeSet<>();
        long last = 0;
        long expected = 1;
        while (last < total) {
            FromServer p = TestClient.decode(slow.readLine());
            switch (p) {
                case FromServer.Message m -> {
                    assertThat(m.seq()).as("after seq %d and the lag notices since", last).isEqualTo(expected);
                    expected = m.seq() + 1;
                    assertThat(m.message()).isEqualTo("m" + m.seq() + pad);
                    assertThat(m.from()).isEqualTo("poster");
                    seen.add(m.seq());
                    last = m.seq();
                }
                case FromServer.Error e -> {
                    Matcher d = DROPPED.matcher(e.text());
                    assertThat(d.matches()).as("lag notice: %s", e.text()).isTrue();
                    assertThat(d.group(2)).isEqualTo("lag");
                    gaps.add(new Gap(expected - 1, Long.parseLong(d.group(1))));
                    expected += gaps.getLast().missed();
                }
                default -> throw new AssertionError("unexpected " + p);
            }
        }
        assertThat(gaps).as("the slow member lagged").isNotEmpty();

        for (Gap g : gaps) {
            slow.send("{\"Fetch\":{\"group_name\":\"lag\",\"after\":" + g.after() + ",\"limit\":" + g.missed() + "}}");
            List<String> fetched = beforeSync(slow.sync());
            assertThat(seqs(fetched)).isEqualTo(range(g.after() + 1, g.after() + g.missed()));
            assertThat(fetched.getLast()).startsWith("{\"Fetched\":{\"group_name\":\"lag\",\"count\":" + g.missed() + ",");
            for (String l : fetched.subList(0, fetched.size() - 1)) {
                FromServer.Message m = asMessage(l);
                assertThat(TestClient.withoutTs(l)).isEqualTo(message("lag", "m" + m.seq() + pad, "poster", m.seq()));
                assertThat(seen.add(m.seq())).as("seq %d received twice", m.seq()).isTrue();
            }
        }
        assertThat(seen).as("received + fetched = every message").containsExactlyElementsOf(range(1, total));
    }

    // ------------------------------------------------------------------ Leave

    @Test
    @DisplayName("Leave stops delivery; leaving a group one is not in is an error")
    void leave() throws IOException {
        start();
        TestClient alice = hello("alice");
        TestClient bob = hello("bob");
        alice.send(join("dogs"));
        alice.sync();
        bob.send(join("dogs"), "{\"Leave\":{\"group_name\":\"dogs\"}}", "{\"Leave\":{\"group_name\":\"dogs\"}}");
        bob.expectLine(errorLine("not a member of 'dogs'"));
        bob.send("{\"Leave\":{\"group_name\":\"nowhere\"}}");
        bob.expectLine(errorLine("not a member of 'nowhere'"));
        alice.send(post("dogs", "only alice"));
        alice.expectLine(message("dogs", "only alice", "alice", 1));
        assertThat(beforeSync(bob.sync())).isEmpty();
        // Joining again works, and numbering carries on.
        bob.send(join("dogs"), post("dogs", "back"));
        bob.expectLine(message("dogs", "back", "bob", 2));
    }

    @Test
    @DisplayName("Leave while messages are in flight: nothing from the group arrives after it")
    void leaveWhileMessagesAreInFlight() throws Exception {
        start();
        threads = Executors.newCachedThreadPool();
        keepAlive("dogs"); // so "dogs" outlives alice's membership
        TestClient alice = hello("alice");
        alice.send(join("dogs"), join("cats"));
        alice.sync();

        TestClient poster = hello("poster");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        Future<?> posting = threads.submit(() -> {
            for (int i = 1; i <= 200_000 && !stop.get(); i++) {
                poster.send(post("dogs", "d" + i));
                written.incrementAndGet();
                if (i % 10 == 0) Thread.sleep(1);
            }
            poster.sync();
            return null;
        });

        // Alice is receiving dogs messages; she leaves in the middle of the stream.
        alice.readUntil(l -> l.contains("\"message\":\"d20\""), 1_000_000);
        alice.send("{\"Leave\":{\"group_name\":\"dogs\"}}", post("cats", "sentinel-1"));
        List<String> untilLeft = alice.readUntil(l -> l.contains("sentinel-1"), 1_000_000);
        for (String l : untilLeft.subList(0, untilLeft.size() - 1)) {
            assertThat(asMessage(l).groupName()).isEqualTo("dogs"); // sent before the Leave took effect
        }

        int more = written.get() + 300;
        await().atMost(AWAIT).until(() -> written.get() >= more || posting.isDone());
        stop.set(true);
        posting.get(60, TimeUnit.SECONDS); // every dogs post has been handled by now
        alice.send(post("cats", "sentinel-2"));
        alice.expectLine(message("cats", "sentinel-2", "alice", 2));
        assertThat(beforeSync(alice.sync())).isEmpty();
        alice.send("{\"Leave\":{\"group_name\":\"dogs\"}}");
        alice.expectLine(errorLine("not a member of 'dogs'"));
    }

    // ------------------------------------------------------------------ names

    @Test
    @DisplayName("names are unique among connected users; freed on disconnect and on rename")
    void nameCollisions() throws Exception {
        start();
        TestClient alice = hello("alice");
        TestClient other = book();
        other.send("{\"Hello\":{\"name\":\"alice\"}}");
        other.expectLine(errorLine("name 'alice' is taken"));
        // A refused Hello leaves the connection as it was: still the book's protocol.
        other.send(join("dogs"), post("dogs", "plain"));
        other.expectLine(bookMessage("dogs", "plain"));

        // Rename: the old name is free at once, the new one is taken.
        alice.send("{\"Hello\":{\"name\":\"alice2\"}}");
        alice.expectLine(welcome("alice2"));
        TestClient newAlice = hello("alice");
        other.send("{\"Hello\":{\"name\":\"alice2\"}}");
        other.expectLine(errorLine("name 'alice2' is taken"));
        // A failed rename keeps the name one had.
        alice.send("{\"Hello\":{\"name\":\"alice\"}}");
        alice.expectLine(errorLine("name 'alice' is taken"));
        alice.send(join("dogs"));
        alice.send("{\"Members\":{\"group_name\":\"dogs\"}}");
        alice.expectLine("{\"Members\":{\"group_name\":\"dogs\",\"names\":[\"alice2\"]}}");

        // Disconnecting frees the name.
        newAlice.close();
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            other.send("{\"Hello\":{\"name\":\"alice\"}}");
            String reply = other.readLine();
            if (TestClient.withoutEpoch(reply).equals(welcome("alice"))) return true;
            assertThat(reply).isEqualTo(errorLine("name 'alice' is taken"));
            return false;
        });
        other.send(post("dogs", "now named"));
        other.expectLine(message("dogs", "now named", "alice", 2));
    }

    // ------------------------------------------------------------------ bad forms of the new packets

    @Test
    @DisplayName("bad forms of each new packet get an Error naming the problem, and the connection keeps working")
    void badForms() throws IOException {
        start();
        String count = " must be a whole number from 0 to " + Long.MAX_VALUE;
        String[][] cases = {
                {"{\"Hello\":{}}", "missing field 'name' in Hello"},
                {"{\"Hello\":{\"nom\":\"alice\"}}", "missing field 'name' in Hello"},
                {"{\"Hello\":{\"name\":7}}", "field 'name' of Hello must be a string"},
                {"{\"Hello\":\"alice\"}", "'Hello' must be an object of its fields, e.g. {\"Hello\":{\"name\":\"alice\"}}"},
                {"{\"Hello\":{\"name\":\"\"}}", "invalid name '': use 1 to 32 of the characters A-Z a-z 0-9 _ - ."},
                {"{\"Hello\":{\"name\":\"" + "a".repeat(33) + "\"}}",
                        "invalid name '" + "a".repeat(33) + "': use 1 to 32 of the characters A-Z a-z 0-9 _ - ."},
                {"{\"Hello\":{\"name\":\"al ice\"}}", "invalid name 'al ice': use 1 to 32 of the characters A-Z a-z 0-9 _ - ."},
                {"{\"Hello\":{\"name\":\"bob!\"}}", "invalid name 'bob!': use 1 to 32 of the characters A-Z a-z 0-9 _ - ."},
                {"{\"Hello\":{\"name\":\"andré\"}}", "invalid name 'andré': use 1 to 32 of the characters A-Z a-z 0-9 _ - ."},
                {"{\"Leave\":{}}", "missing field 'group_name' in Leave"},
                {"{\"Leave\":{\"group_name\":5}}", "field 'group_name' of Leave must be a string"},
                {"{\"Members\":{}}", "missing field 'group_name' in Members"},
                {"{\"Fetch\":{\"limit\":5}}", "missing field 'group_name' in Fetch"},
                {"{\"Fetch\":{\"group_name\":\"dogs\",\"after\":-1,\"limit\":5}}", "field 'after' of Fetch" + count},
                {"{\"Fetch\":{\"group_name\":\"dogs\",\"limit\":-5}}", "field 'limit' of Fetch" + count},
                {"{\"Fetch\":{\"group_name\":\"dogs\",\"limit\":2.5}}", "field 'limit' of Fetch" + count},
                {"{\"Fetch\":{\"group_name\":\"dogs\",\"limit\":\"10\"}}", "field 'limit' of Fetch" + count},
                {"{\"Fetch\":{\"group_name\":\"dogs\",\"limit\":99999999999999999999}}", "field 'limit' of Fetch" + count},
                {"{\"Join\":{\"group_name\":\"dogs\",\"history\":\"5\"}}", "field 'history' of Join" + count},
                {"{\"Join\":{\"group_name\":\"dogs\",\"history\":-1}}", "field 'history' of Join" + count},
                {"{\"List\":[]}", "'List' must be an object of its fields, e.g. {\"List\":{}}"},
                {"{\"List\":null}", "'List' must be an object of its fields, e.g. {\"List\":{}}"},
                {"{\"List\":\"all\"}", "'List' must be an object of its fields, e.g. {\"List\":{}}"},
        };
        TestClient book = book();
        TestClient alice = hello("alice");
        alice.send(join("dogs"));
        alice.sync();
        for (String[] c : cases) {
            for (TestClient client : List.of(book, alice)) {
                client.send(c[0]);
                client.expectLine(errorLine(c[1]));
                // Still working: a good request right after the bad one is answered.
                client.send("{\"Members\":{\"group_name\":\"dogs\"}}");
                client.expectLine("{\"Members\":{\"group_name\":\"dogs\",\"names\":[\"alice\"]}}");
            }
        }
        // None of the bad Hellos turned the book connection into an extended one.
        book.send(join("dogs"), post("dogs", "still the book"));
        book.expectLine(bookMessage("dogs", "still the book"));
        alice.expectLine(message("dogs", "still the book", null, 1));
        // Nor joined anything by mistake.
        alice.send("{\"List\":{}}");
        alice.expectLine("{\"Groups\":[{\"name\":\"dogs\",\"members\":2}]}");
    }
}
