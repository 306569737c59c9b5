package parley.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sink's write that never waits, on a descriptor of its own: what it sends arrives, a full
 * socket takes less instead of blocking, and its descriptor is closed exactly once, never while a
 * send uses it, so a later client that gets the same number cannot receive a stale write.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChannelSinkTest {
    private ServerSocketChannel listener;

    @BeforeEach
    void listen() throws Exception {
        assumeThat(NonBlockingSend.AVAILABLE).as("send(2) reachable (Linux, sun.nio.ch exported)").isTrue();
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void close() throws Exception {
        if (listener != null) listener.close();
    }

    /** A connected pair: [0] the server side (the sink's), [1] the client. */
    private SocketChannel[] pair() throws Exception {
        SocketChannel client = SocketChannel.open(listener.getLocalAddress());
        return new SocketChannel[] {listener.accept(), client};
    }

    private static String read(SocketChannel ch, int n) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining() && ch.read(b) >= 0) { /* until n bytes or end */ }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    private static long openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    @Test
    void whatItSendsArrivesInOrderWithTheWritersBytes() throws Exception {
        SocketChannel[] p = pair();
        ChannelSink sink = new ChannelSink(p[0], true);
        assertThat(sink.canTryWrite()).isTrue();
        byte[] a = "{\"Message\":1}\n".getBytes(StandardCharsets.UTF_8);
        assertThat(sink.tryWrite(a, 0, a.length)).isEqualTo(a.length);
        byte[] b = "xx{\"Message\":2}\nyy".getBytes(StandardCharsets.UTF_8);
        sink.write(b, 2, b.length - 4); // the blocking path, on the JDK's descriptor: same stream
        assertThat(read(p[1], a.length + b.length - 4)).isEqualTo("{\"Message\":1}\n{\"Message\":2}\n");
        sink.close();
        p[1].close();
    }

    @Test
    void aSendBeyondTheArraySendsNothing() throws Exception {
        // The send reads the array in place, with no slice to bound it: past its end would be
        // whatever the heap holds next, sent to the client.
        SocketChannel[] p = pair();
        ChannelSink sink = new ChannelSink(p[0], true);
        byte[] a = "{\"Message\":1}\n".getBytes(StandardCharsets.UTF_8);
        assertThat(sink.tryWrite(a, 0, a.length + 64)).isEqualTo(-1);
        assertThat(sink.tryWrite(a, 4, a.length)).isEqualTo(-1);
        assertThat(sink.tryWrite(a, 4, a.length - 4)).isEqualTo(a.length - 4); // an offset within bounds still goes
        assertThat(read(p[1], a.length - 4)).isEqualTo("ssage\":1}\n");
        sink.close();
        p[1].close();
    }

    @Test
    void withInlineSendOffEveryWriteIsTheWritersAndTheDescriptorStillServes() throws Exception {
        SocketChannel[] p = pair();
        ChannelSink sink = new ChannelSink(p[0], false);
        assertThat(sink.canTryWrite()).isFalse();
        byte[] a = "{\"Message\":1}\n".getBytes(StandardCharsets.UTF_8);
        assertThat(sink.tryWrite(a, 0, a.length)).isEqualTo(-1);
        assertThat(sink.fd()).as("the idle set's descriptor").isNotNegative();
        sink.write(a, 0, a.length);
        assertThat(read(p[1], a.length)).isEqualTo("{\"Message\":1}\n");
        sink.close();
        p[1].close();
    }

    @Test
    void aFullSocketTakesLessInsteadOfBlocking() throws Exception {
        SocketChannel[] p = pair();
        p[0].setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        p[1].setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        ChannelSink sink = new ChannelSink(p[0], true);
        byte[] chunk = new byte[8192];
        long total = 0;
        long took = 0;
        for (int i = 0; i < 10_000 && (took = sink.tryWrite(chunk, 0, chunk.length)) == chunk.length; i++) {
            total += took;
        }
        assertThat(took).as("a write once the peer stopped reading").isLessThan(chunk.length);
        assertThat(total).as("what went before it").isLessThan(10_000L * chunk.length);
        sink.close();
        p[1].close();
    }

    @Test
    void closingEndsTheConnectionAndLetsGoOfTheDescriptor() throws Exception {
        long before = openFds();
        SocketChannel[] p = pair();
        ChannelSink sink = new ChannelSink(p[0], true);
        assertThat(openFds()).as("two sockets and the sink's own descriptor").isEqualTo(before + 3);
        sink.close();
        assertThat(read(p[1], 1)).as("the peer sees the end: no descriptor keeps the socket open").isEmpty();
        byte[] x = "late\n".getBytes(StandardCharsets.UTF_8);
        assertThat(sink.tryWrite(x, 0, x.length)).isEqualTo(-1);
        sink.close(); // twice is fine
        p[1].close();
        assertThat(openFds()).isEqualTo(before);
    }

    @RepeatedTest(5)
    void sendsRacingACloseNeverReachALaterClientWithTheSameDescriptorNumber() throws Exception {
        long before = openFds();
        byte[] stale = "STALE\n".getBytes(StandardCharsets.UTF_8);
        List<SocketChannel[]> later = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            SocketChannel[] p = pair();
            ChannelSink sink = new ChannelSink(p[0], true);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                senders.add(Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 2_000; i++) {
                        sink.tryWrite(stale, 0, stale.length);
                    }
                }));
            }
            go.countDown();
            sink.close();
            // New connections now, so descriptor numbers just freed get reused while sends may still run.
            for (int k = 0; k < 3; k++) later.add(pair());
            for (Thread t : senders) t.join();
            p[1].close();
        }
        for (SocketChannel[] q : later) {
            q[1].configureBlocking(false);
            assertThat(q[1].read(ByteBuffer.allocate(64))).as("a later client got a stale write").isEqualTo(0);
            q[0].close();
            q[1].close();
        }
        assertThat(openFds()).as("every descriptor closed, each once").isEqualTo(before);
    }
}
