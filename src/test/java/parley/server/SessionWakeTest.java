package parley.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The wake path end to end inside the core, from a poster's request lines to a member's sink: a
 * quiet group's post is written to the member on the poster's own thread when the poster has no
 * further line read, and, while it has, held and written by the member's writer thread once, with
 * everything posted meanwhile, when the poster's lines run out.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionWakeTest {
    private Chat chat;

    /** One write of a sink: how, on which thread, and what. */
    record Write(boolean inline, Thread thread, String text) {}

    /** A sink that takes everything at once, either way, and records each write. */
    static final class RecordingSink implements Sink {
        final List<Write> writes = new CopyOnWriteArrayList<>();

        @Override
        public void write(byte[] buf, int off, int len) {
            writes.add(new Write(false, Thread.currentThread(), new String(buf, off, len, UTF_8)));
        }

        @Override
        public boolean canTryWrite() {
            return true;
        }

        @Override
        public long tryWrite(byte[] buf, int off, int len) {
            writes.add(new Write(true, Thread.currentThread(), new String(buf, off, len, UTF_8)));
            return len;
        }

        @Override
        public void close() {}

        int lines() {
            int n = 0;
            for (Write w : writes) n += (int) w.text().chars().filter(c -> c == '\n').count();
            return n;
        }
    }

    @BeforeEach
    void start() {
        ServerConfig config = ServerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0));
        assertThat(config.coalesce()).as("quiet groups exist only with wake pacing").isPositive();
        chat = Chat.start(config, GroupBus.LOCAL, null);
    }

    @AfterEach
    void stop() {
        chat.close();
    }

    private static void line(Session s, String request, boolean moreLines) {
        byte[] b = request.getBytes(UTF_8);
        s.handle(b, 0, b.length, moreLines);
    }

    private static String post(int i) {
        return "{\"Post\":{\"group_name\":\"g\",\"message\":\"m" + i + "\"}}";
    }

    /** Posts spaced out, so the group stays quiet (see WakePacing). */
    private static void pause() throws InterruptedException {
        Thread.sleep(5);
    }

    @Test
    void aQuietPostIsWrittenOnThePostersThreadWhenItHasNoMoreLines() throws InterruptedException {
        RecordingSink member = new RecordingSink();
        Session m = chat.openSession(member, () -> { }, "member");
        Session poster = chat.openSession(new RecordingSink(), () -> { }, "poster");
        line(m, "{\"Join\":{\"group_name\":\"g\"}}", false);
        for (int i = 0; i < 5; i++) {
            pause();
            line(poster, post(i), false);
            assertThat(member.writes).as("written before the post returns").hasSize(i + 1);
        }
        for (Write w : member.writes) {
            assertThat(w.inline()).isTrue();
            assertThat(w.thread()).isSameAs(Thread.currentThread());
        }
        assertThat(member.lines()).isEqualTo(5);
    }

    @Test
    void aPostersBurstWakesTheMemberOnceWhenItsLinesRunOut() throws InterruptedException {
        RecordingSink member = new RecordingSink();
        Session m = chat.openSession(member, () -> { }, "member");
        Session poster = chat.openSession(new RecordingSink(), () -> { }, "poster");
        line(m, "{\"Join\":{\"group_name\":\"g\"}}", false);
        line(poster, "{\"Join\":{\"group_name\":\"elsewhere\"}}", false);
        int n = 10; // fewer than PendingWakes.MAX_HELD_SENDS
        for (int i = 0; i < n; i++) {
            pause();
            line(poster, post(i), true);
        }
        pause();
        assertThat(member.writes).as("nothing written while the poster has more lines").isEmpty();
        // The poster's last line posts to a group the member is not in: its lines have run out.
        line(poster, "{\"Post\":{\"group_name\":\"elsewhere\",\"message\":\"x\"}}", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> member.lines() == n);
        assertThat(member.writes).as("one write for the whole burst").hasSize(1);
        Write w = member.writes.getFirst();
        assertThat(w.inline()).as("by the member's writer thread").isFalse();
        assertThat(w.thread()).isNotSameAs(Thread.currentThread());
        for (int i = 0; i < n; i++) assertThat(w.text()).contains("\"m" + i + "\"");
    }

    @Test
    void aBurstEndingWithAPostToTheGroupIsWrittenOnceOnThePostersThread() throws InterruptedException {
        RecordingSink member = new RecordingSink();
        Session m = chat.openSession(member, () -> { }, "member");
        Session poster = chat.openSession(new RecordingSink(), () -> { }, "poster");
        line(m, "{\"Join\":{\"group_name\":\"g\"}}", false);
        int n = 10;
        for (int i = 0; i < n; i++) {
            pause();
            line(poster, post(i), i < n - 1);
        }
        // The last post, with no line after it, is written at once and takes the held ones along.
        assertThat(member.writes).hasSize(1);
        assertThat(member.writes.getFirst().inline()).isTrue();
        assertThat(member.lines()).isEqualTo(n);
    }

    @Test
    void theHoldLetsGoByItselfAfterSoManyPosts() throws InterruptedException {
        RecordingSink member = new RecordingSink();
        Session m = chat.openSession(member, () -> { }, "member");
        Session poster = chat.openSession(new RecordingSink(), () -> { }, "poster");
        line(m, "{\"Join\":{\"group_name\":\"g\"}}", false);
        for (int i = 0; i < PendingWakes.MAX_HELD_SENDS; i++) {
            pause();
            line(poster, post(i), true);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> member.lines() == PendingWakes.MAX_HELD_SENDS);
        assertThat(member.writes.getFirst().inline()).isFalse();
    }

    @Test
    void aReplyLetsTheHeldWakesGoFirst() throws InterruptedException {
        RecordingSink member = new RecordingSink();
        Session m = chat.openSession(member, () -> { }, "member");
        Session poster = chat.openSession(new RecordingSink(), () -> { }, "poster");
        line(m, "{\"Join\":{\"group_name\":\"g\"}}", false);
        pause();
        line(poster, post(0), true);
        assertThat(member.writes).isEmpty();
        line(poster, "{\"List\":{}}", true); // a request that may wait: the held wake is given first
        await().atMost(Duration.ofSeconds(10)).until(() -> member.lines() == 1);
    }
}
