package parley.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import parley.broadcast.Broadcast;
import parley.broadcast.Receiver;
import parley.broadcast.Wakeable;

/**
 * The broadcast ring on its own: the cost of one send with 0, 1 and 100 receivers subscribed (each
 * with a listener that does nothing, so only the ring and the wake loop are measured), and how
 * fast a single receiver polls through a full ring.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BroadcastBench {
    static final int CAPACITY = 1024;
    static final Wakeable NO_OP = () -> { };

    @State(Scope.Thread)
    public static class Send {
        @Param({"0", "1", "100"})
        int receivers;

        Broadcast<byte[]> channel;
        final byte[] value = new byte[64];

        @Setup
        public void setup() {
            channel = new Broadcast<>(CAPACITY);
            for (int i = 0; i < receivers; i++) channel.subscribe(NO_OP);
        }
    }

    @State(Scope.Thread)
    public static class Poll {
        Broadcast<byte[]> channel;

        @Setup
        public void setup() {
            channel = new Broadcast<>(CAPACITY);
            byte[] value = new byte[64];
            for (int i = 0; i < 2 * CAPACITY; i++) channel.send(value);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long send(Send s) {
        return s.channel.send(s.value);
    }

    /**
     * One receiver reads the whole ring: subscribing with a backlog of the capacity starts it at the
     * oldest value held, and it polls every value once (the subscribe and close are spread over
     * {@value #CAPACITY} polls).
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(CAPACITY)
    public void poll(Poll p, Blackhole bh) {
        Receiver<byte[]> r = p.channel.subscribe(null, CAPACITY);
        for (int i = 0; i < CAPACITY; i++) bh.consume(r.poll());
        r.close();
    }
}
