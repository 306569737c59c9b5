package parley.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What one delivery's {@code send} costs when the sends of one post, or of ten posts, to many
 * sockets go to the kernel in one system call through io_uring ({@link UringBatch}), against
 * today's one {@code send(2)} per delivery ({@link NonBlockingSend}, as the server's sinks call it).
 *
 * <p>Scenario b's shape: {@code PAIRS} loopback TCP connections make {@code PAIRS / K} groups of
 * {@code K} members; post {@code i} sends one 80-byte line to each member of group
 * {@code i % groups}. One thread sends (the server's side), {@code RATE} posts a second (a
 * millisecond's due posts at a time, then a millisecond's sleep; 0: as fast as it can), and
 * {@code READERS} threads drain the other ends through one selector each (the members' side, the
 * same code in every mode). Each round runs every mode once, for {@code SECONDS} (or a million
 * posts); the modes' order turns from round to round. Prints, per mode and round, sends a
 * second and CPU per send: the sending thread's user and system time (on loopback its system time
 * includes the receiving side's TCP processing), the readers', and the whole process's (from
 * {@code /proc/self/stat}, which would also catch io_uring's kernel worker threads).
 *
 * <p>Not a test: run with {@code java --enable-native-access=ALL-UNNAMED
 * --add-exports=java.base/sun.nio.ch=ALL-UNNAMED -cp target/classes:target/test-classes
 * parley.net.SendBatchCost [RATE SECONDS ROUNDS PAIRS K READERS]} (defaults 0 3 3 1000 10 1).
 */
public final class SendBatchCost {
    private static final int LINE = 80;

    /** One way of sending: today's, or io_uring with {@code postsPerEnter} posts' sends per system call. */
    private record Mode(String name, int postsPerEnter, boolean fixedFiles) {}

    /** One mode's round: what it sent, in how long, at what CPU (nanoseconds; process times in clock ticks). */
    private record Run(long sends, long shortSends, long nanos, long sendUser, long sendSys, long readCpu, long procUser, long procSys) {}

    private SendBatchCost() {}

    public static void main(String[] args) throws Throwable {
        int rate = arg(args, 0, 0), seconds = arg(args, 1, 3), rounds = arg(args, 2, 3);
        int pairs = arg(args, 3, 1000), k = arg(args, 4, 10), readers = arg(args, 5, 1);
        int posts = 1_000_000; // a mode's round ends after this many posts or SECONDS, whichever comes first
        if (!NonBlockingSend.AVAILABLE) throw new IllegalStateException("needs Linux and --add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
        List<Mode> modes = List.of(new Mode("send", 0, false), new Mode("uring 1 post", 1, false),
                new Mode("uring 10 posts", 10, false), new Mode("uring 10 posts, fixed files", 10, true));
        try (Arena arena = Arena.ofShared(); ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0), pairs);
            int[] fds = new int[pairs];
            List<SocketChannel> open = new ArrayList<>();
            List<Selector> selectors = new ArrayList<>();
            for (int r = 0; r < readers; r++) selectors.add(Selector.open());
            for (int i = 0; i < pairs; i++) {
                SocketChannel member = SocketChannel.open(server.getLocalAddress());
                SocketChannel accepted = server.accept();
                accepted.setOption(StandardSocketOptions.TCP_NODELAY, true); // as the server's are
                fds[i] = NonBlockingSend.dup(accepted);
                member.configureBlocking(false);
                member.register(selectors.get(i % readers), SelectionKey.OP_READ);
                open.add(member);
                open.add(accepted);
            }
            AtomicLong received = new AtomicLong();
            List<Thread> readerThreads = new ArrayList<>();
            for (Selector s : selectors) readerThreads.add(Thread.ofPlatform().daemon().name("reader").start(() -> drain(s, received)));
            byte[] line = ("{\"type\":\"message\",\"group\":\"g\",\"from\":\"u\",\"text\":\"" + "x".repeat(LINE - 52) + "\"}\n").getBytes();
            if (line.length != LINE) throw new IllegalStateException("line is " + line.length + " bytes");
            MemorySegment native_ = arena.allocate(LINE, 64).copyFrom(MemorySegment.ofArray(line));
            var cost = new Cost(readerThreads);
            for (Mode m : modes) run(m, fds, k, 20_000, 0, 1, line, native_, cost); // warm-up
            System.out.printf("%d connections, groups of %d, %d-byte lines, %d reader(s), %s; us per send%n", pairs, k, LINE, readers,
                    rate == 0 ? "flat out" : rate + " posts/s");
            System.out.println("| round | mode | sends/s | sender user | sender sys | readers | process user | process sys | short sends |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            for (int round = 0; round < rounds; round++) {
                for (int j = 0; j < modes.size(); j++) {
                    Mode m = modes.get((j + round) % modes.size());
                    Run r = run(m, fds, k, posts, rate, seconds, line, native_, cost);
                    double n = r.sends();
                    System.out.printf("| %d | %s | %,.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %d |%n", round, m.name(),
                            n * 1e9 / r.nanos(), r.sendUser() / 1e3 / n, r.sendSys() / 1e3 / n, r.readCpu() / 1e3 / n,
                            r.procUser() * 1e4 / n, r.procSys() * 1e4 / n, r.shortSends());
                }
            }
            waitForReaders(received, cost.sentBytes);
            System.out.printf("received %,d of %,d bytes sent; io_uring worker threads: %d%n", received.get(), cost.sentBytes, ioWorkers());
            for (int fd : fds) NonBlockingSend.close(fd);
            for (SocketChannel c : open) c.close();
        }
    }

    /** Sends {@code posts} posts (or for {@code seconds}) in mode {@code m}, and what that cost. */
    private static Run run(Mode m, int[] fds, int k, int posts, int rate, int seconds, byte[] line, MemorySegment native_, Cost cost) throws Throwable {
        int groups = fds.length / k;
        int[] slots = new int[fds.length];
        for (int i = 0; i < slots.length; i++) slots[i] = i;
        try (UringBatch ring = m.postsPerEnter() == 0 ? null
                : new UringBatch(Integer.highestOneBit(m.postsPerEnter() * k * 2 - 1), m.fixedFiles() ? fds : null)) {
            int[] targets = m.fixedFiles() ? slots : fds;
            long[] before = cost.now();
            long t0 = System.nanoTime(), deadline = t0 + seconds * 1_000_000_000L;
            long sends = 0, shortSends = 0;
            int p = 0;
            while (p < posts && System.nanoTime() < deadline) {
                // paced: the posts due by now, then a millisecond's sleep; flat out: 1024 at a time
                long due = rate == 0 ? p + 1024 : (System.nanoTime() - t0) * rate / 1_000_000_000L + 1;
                for (long end = Math.min(posts, due); p < end; p++) {
                    int first = (p % groups) * k;
                    if (ring == null) {
                        for (int i = first; i < first + k; i++) if (NonBlockingSend.send(fds[i], line, 0, LINE) != LINE) shortSends++;
                    } else {
                        for (int i = first; i < first + k; i++) ring.send(targets[i], native_, LINE);
                        if ((p + 1) % m.postsPerEnter() == 0) shortSends += ring.submit();
                    }
                    sends += k;
                }
                if (ring != null) shortSends += ring.submit(); // nothing is held back past a burst
                if (rate > 0) LockSupport.parkNanos(1_000_000);
            }
            long nanos = System.nanoTime() - t0;
            long[] after = cost.now();
            cost.sentBytes += (sends - shortSends) * LINE; // a short send here is -EAGAIN: nothing sent
            return new Run(sends, shortSends, nanos, after[0] - before[0], after[1] - before[1], after[2] - before[2],
                    after[3] - before[3], after[4] - before[4]);
        }
    }

    /** Reads whatever comes on the selector's sockets until the process ends. */
    private static void drain(Selector s, AtomicLong received) {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (true) {
                s.select();
                for (SelectionKey key : s.selectedKeys()) {
                    int n;
                    while ((n = ((SocketChannel) key.channel()).read(buf.clear())) > 0) received.addAndGet(n);
                }
                s.selectedKeys().clear();
            }
        } catch (java.io.IOException e) {
            // the sockets closed at the end: done
        }
    }

    /** CPU clocks: the calling (sending) thread's, the readers', the process's. */
    private static final class Cost {
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final List<Thread> readers;
        long sentBytes;

        Cost(List<Thread> readers) {
            this.readers = readers;
        }

        /** {sender user ns, sender system ns, readers ns, process user ticks, process system ticks}. */
        long[] now() throws java.io.IOException {
            long user = mx.getCurrentThreadUserTime(), cpu = mx.getCurrentThreadCpuTime(), read = 0;
            for (Thread t : readers) read += mx.getThreadCpuTime(t.threadId());
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {user, cpu - user, read, Long.parseLong(f[11]), Long.parseLong(f[12])}; // utime, stime
        }
    }

    private static void waitForReaders(AtomicLong received, long sent) throws InterruptedException {
        for (int i = 0; i < 100 && received.get() < sent; i++) Thread.sleep(20);
    }

    /** io_uring's kernel worker threads in this process ({@code iou-wrk-*}): work it could not do inline. */
    private static long ioWorkers() throws java.io.IOException {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).startsWith("iou-");
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count();
        }
    }

    private static int arg(String[] args, int i, int otherwise) {
        return args.length > i ? Integer.parseInt(args[i]) : otherwise;
    }
}
