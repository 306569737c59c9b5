package parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.server.outbound.WriteDeadline;

/**
 * The two batches on their own, on the test's thread: the writer thread's buffered blocking
 * writes and an inline turn's non-blocking one, with the metrics each write counts.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WriteBatchTest {
    private final Metrics metrics = new Metrics();
    private final ScriptedSink sink = new ScriptedSink();
    private final WriteDeadline deadline = new WriteDeadline();

    private static byte[] line(char c, int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) c);
        b[n - 1] = '\n';
        return b;
    }

    private static String text(byte[]... lines) {
        StringBuilder s = new StringBuilder();
        for (byte[] l : lines) s.append(new String(l, StandardCharsets.UTF_8));
        return s.toString();
    }

    @Test
    void linesAreCollectedAndWrittenOnceWithTheirMessageCount() throws Exception {
        WriteBatch b = new WriteBatch(sink, 4096, metrics, deadline);
        byte[] m1 = line('a', 100);
        byte[] m2 = line('b', 100);
        byte[] notice = line('e', 30);
        b.putMessage(m1);
        b.putMessage(m2);
        b.put(notice);
        assertThat(sink.writes.get()).isZero();
        assertThat(b.pending()).isEqualTo(230);
        b.flush();
        assertThat(sink.text()).isEqualTo(text(m1, m2, notice));
        assertThat(sink.writes.get()).isEqualTo(1);
        assertThat(metrics.writes()).isEqualTo(1);
        assertThat(metrics.deliveries()).isEqualTo(2);
        assertThat(metrics.bytesOut()).isEqualTo(230);
        assertThat(b.pending()).isZero();
        b.flush(); // nothing pending: no write
        assertThat(sink.writes.get()).isEqualTo(1);
        assertThat(deadline.blockedFor(System.nanoTime())).isZero();
    }

    @Test
    void theBufferGrowsToItsLimitThenWritesWhenFull() throws Exception {
        WriteBatch b = new WriteBatch(sink, 1024, metrics, deadline);
        byte[] m = line('x', 300);
        b.putMessage(m); // 512-byte start
        b.putMessage(m); // grows to 1024
        b.putMessage(m);
        assertThat(sink.writes.get()).isZero();
        b.putMessage(m); // 1200 > 1024: the first three go out, this one waits
        assertThat(sink.writes.get()).isEqualTo(1);
        // Counted before its put, so the write this put caused counts it too: the total stays exact.
        assertThat(metrics.deliveries()).isEqualTo(4);
        assertThat(b.pending()).isEqualTo(300);
        b.flush();
        assertThat(sink.text()).isEqualTo(text(m, m, m, m));
        assertThat(metrics.writes()).isEqualTo(2);
        assertThat(metrics.deliveries()).isEqualTo(4);
    }

    @Test
    void aLineBiggerThanTheBufferIsWrittenFromWhereItIs() throws Exception {
        WriteBatch b = new WriteBatch(sink, 1024, metrics, deadline);
        byte[] small = line('s', 10);
        byte[] big = line('B', 5000);
        b.putMessage(small);
        b.putMessage(big);
        assertThat(sink.writes.get()).isEqualTo(2);
        assertThat(sink.lastArray).isSameAs(big);
        assertThat(sink.text()).isEqualTo(text(small, big));
        assertThat(metrics.deliveries()).isEqualTo(2);
    }

    @Test
    void releaseDropsTheBufferAndTellsTheSink() throws Exception {
        WriteBatch b = new WriteBatch(sink, 1024, metrics, deadline);
        b.put(line('x', 10));
        b.flush();
        b.release();
        assertThat(sink.idles.get()).isEqualTo(1);
        assertThat(b.pending()).isZero();
        b.put(line('y', 10)); // a later writer starts a new buffer
        b.flush();
        assertThat(sink.text()).endsWith(text(line('y', 10)));
    }

    @Test
    void anInlineTurnWritesOneLineFromWhereItIs() {
        sink.canTry = true;
        InlineBatch in = new InlineBatch(sink, metrics);
        byte[] m = line('m', 40);
        in.putMessage(m);
        in.flush();
        assertThat(sink.lastArray).isSameAs(m); // the post's own bytes: no copy
        assertThat(sink.text()).isEqualTo(text(m));
        assertThat(in.leftover()).isFalse();
        assertThat(metrics.deliveries()).isEqualTo(1);
        WriteBatch writer = new WriteBatch(sink, 1024, metrics, deadline);
        in.handOver(writer);
        assertThat(writer.pending()).isZero();
    }

    @Test
    void anInlineTurnCopiesSeveralLinesIntoOneWrite() {
        InlineBatch in = new InlineBatch(sink, metrics);
        byte[] m1 = line('a', 40);
        byte[] m2 = line('b', 40);
        in.putMessage(m1);
        in.putMessage(m2);
        in.flush();
        assertThat(sink.tryWrites.get()).isEqualTo(1);
        assertThat(sink.text()).isEqualTo(text(m1, m2));
        assertThat(metrics.writes()).isEqualTo(1);
        assertThat(metrics.deliveries()).isEqualTo(2);
    }

    @Test
    void whatTheTransportDoesNotTakeIsHandedToTheWriterBatchWithItsCount() throws Exception {
        sink.tryTakes = 0;
        InlineBatch in = new InlineBatch(sink, metrics);
        byte[] m = line('m', 40);
        in.putMessage(m);
        in.flush();
        assertThat(in.leftover()).isTrue();
        assertThat(metrics.writes()).isZero(); // nothing taken, nothing counted yet
        WriteBatch writer = new WriteBatch(sink, 1024, metrics, deadline);
        in.handOver(writer);
        assertThat(in.leftover()).isFalse();
        assertThat(writer.pending()).isEqualTo(40);
        writer.flush();
        assertThat(sink.lastArray).isNotSameAs(m); // handed over as a copy: the post's bytes are shared
        assertThat(sink.text()).isEqualTo(text(m));
        assertThat(metrics.writes()).isEqualTo(1);
        assertThat(metrics.deliveries()).isEqualTo(1);
    }

    @Test
    void anInlineTurnIsFullAtItsBudget() {
        InlineBatch in = new InlineBatch(sink, metrics);
        byte[] m = line('m', 1000);
        int n = 0;
        while (!in.full()) {
            in.putMessage(m);
            n++;
        }
        assertThat(n).isEqualTo(InlineBatch.BUDGET / 1000 + 1);
        assertThat(in.leftover()).isTrue(); // the writer thread must go on
    }
}
