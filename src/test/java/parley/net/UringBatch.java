package parley.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Many {@code send(2)}s in one system call: an io_uring whose submissions are queued by {@link #send}
 * and handed to the kernel, with their completions reaped, by one {@code io_uring_enter} in
 * {@link #submit}. Raw system calls through FFM (no liburing: it is not on the machine, and the
 * three calls and two rings are less code than binding its inline helpers would be).
 *
 * <p>In the test classes only, for {@link SendBatchCost}: it is here to find out whether batching
 * the sends of a post (or of many posts) to many sockets is cheaper than one {@code send} each
 * before anyone puts it on the server's path. x86_64 Linux only (the system-call numbers).
 *
 * <p>No {@code IORING_SETUP_SQPOLL}: a kernel thread polling the ring would burn one of the two
 * cores. Each send carries {@code MSG_DONTWAIT}, as the server's inline sends do
 * ({@link NonBlockingSend}), so a full socket completes at once with {@code -EAGAIN} instead of
 * being parked in the kernel, and every completion is there when {@code io_uring_enter} returns.
 */
final class UringBatch implements AutoCloseable {
    private static final long SYS_IO_URING_SETUP = 425, SYS_IO_URING_ENTER = 426, SYS_IO_URING_REGISTER = 427;
    private static final int IORING_OP_SEND = 26;
    private static final int IOSQE_FIXED_FILE = 1;
    private static final int IORING_ENTER_GETEVENTS = 1;
    private static final int IORING_REGISTER_FILES = 2;
    // SUBMIT_ALL: one bad submission does not stop the rest of the batch; COOP_TASKRUN and
    // SINGLE_ISSUER: one thread submits, so the kernel need not interrupt it to post completions.
    private static final int SETUP_FLAGS = 1 << 7 | 1 << 8 | 1 << 12;
    private static final int IORING_FEAT_SINGLE_MMAP = 1;
    private static final long IORING_OFF_SQES = 0x10000000L;
    private static final int MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;
    private static final int PROT_RW = 0x1 | 0x2, MAP_SHARED_POPULATE = 0x01 | 0x8000;
    private static final int SQE_SIZE = 64, CQE_SIZE = 16;

    // The ring's head and tail are shared with the kernel: read what it writes with acquire,
    // publish what we write with release.
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final int ringFd;
    private final MemorySegment rings, sqes;
    private final long sqTail, sqMask, cqHead, cqTail, cqMask, cqes;
    private final int entries;
    private final boolean fixedFiles;
    private int queued;
    private int localTail;

    /**
     * A ring of {@code entries} submissions (a power of two, at least the most sends one
     * {@link #submit} carries). With {@code fixed} non-null its descriptors are registered with
     * the ring, and {@link #send} takes an index into it instead of a descriptor: the kernel then
     * skips looking the file up and counting a reference on it for each send.
     */
    @SuppressWarnings("restricted")
    UringBatch(int entries, int[] fixed) throws Throwable {
        this.entries = entries;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(120, 8); // struct io_uring_params
            p.set(JAVA_INT, 8, SETUP_FLAGS);
            ringFd = (int) (long) Calls.SETUP.invokeExact(SYS_IO_URING_SETUP, (long) entries, p);
            if (ringFd < 0) throw new IllegalStateException("io_uring_setup failed");
            if ((p.get(JAVA_INT, 20) & IORING_FEAT_SINGLE_MMAP) == 0) throw new IllegalStateException("kernel too old");
            int sqEntries = p.get(JAVA_INT, 0), cqEntries = p.get(JAVA_INT, 4);
            // struct io_sqring_offsets at 40, struct io_cqring_offsets at 80
            int sqArray = p.get(JAVA_INT, 40 + 24);
            long size = Math.max(sqArray + 4L * sqEntries, p.get(JAVA_INT, 80 + 20) + (long) CQE_SIZE * cqEntries);
            rings = map(size, 0);
            sqes = map((long) SQE_SIZE * sqEntries, IORING_OFF_SQES);
            sqTail = p.get(JAVA_INT, 40 + 4);
            sqMask = rings.get(JAVA_INT, p.get(JAVA_INT, 40 + 8));
            cqHead = p.get(JAVA_INT, 80);
            cqTail = p.get(JAVA_INT, 80 + 4);
            cqMask = rings.get(JAVA_INT, p.get(JAVA_INT, 80 + 8));
            cqes = p.get(JAVA_INT, 80 + 20);
            // The indirection array: slot i always holds submission i, so the tail alone says what is queued.
            for (int i = 0; i < sqEntries; i++) rings.set(JAVA_INT, sqArray + 4L * i, i);
            localTail = (int) INT.getAcquire(rings, sqTail);
            fixedFiles = fixed != null;
            if (fixedFiles) {
                MemorySegment fds = arena.allocateFrom(JAVA_INT, fixed);
                long rc = (long) Calls.REGISTER.invokeExact(SYS_IO_URING_REGISTER, (long) ringFd,
                        (long) IORING_REGISTER_FILES, fds, (long) fixed.length);
                if (rc < 0) throw new IllegalStateException("io_uring_register failed");
            }
        }
    }

    @SuppressWarnings("restricted")
    private MemorySegment map(long size, long offset) throws Throwable {
        MemorySegment m = (MemorySegment) Calls.MMAP.invokeExact(MemorySegment.NULL, size, PROT_RW, MAP_SHARED_POPULATE, ringFd, offset);
        if (m.address() == -1L) throw new IllegalStateException("mmap of the ring failed");
        return m.reinterpret(size);
    }

    /**
     * Queues one send of {@code len} bytes of {@code buf} (native memory, alive until {@link #submit}
     * returns) to descriptor {@code fd}, or to registered file {@code fd} when the ring has them.
     */
    void send(int fd, MemorySegment buf, int len) {
        if (queued == entries) throw new IllegalStateException("ring full: submit first");
        long sqe = (long) (localTail & (int) sqMask) * SQE_SIZE;
        sqes.asSlice(sqe, SQE_SIZE).fill((byte) 0);
        sqes.set(JAVA_BYTE, sqe, (byte) IORING_OP_SEND);
        sqes.set(JAVA_BYTE, sqe + 1, (byte) (fixedFiles ? IOSQE_FIXED_FILE : 0));
        sqes.set(JAVA_INT, sqe + 4, fd);
        sqes.set(JAVA_LONG, sqe + 16, buf.address());
        sqes.set(JAVA_INT, sqe + 24, len);
        sqes.set(JAVA_INT, sqe + 28, MSG_DONTWAIT | MSG_NOSIGNAL);
        sqes.set(JAVA_LONG, sqe + 32, len); // user data: what a whole send returns
        localTail++;
        queued++;
    }

    /**
     * Hands every queued send to the kernel and waits for their completions, in one
     * {@code io_uring_enter}. Returns how many sent less than they were given (a full socket,
     * a broken connection): those the server would give to the member's writer thread.
     */
    int submit() throws Throwable {
        if (queued == 0) return 0;
        INT.setRelease(rings, sqTail, localTail);
        long n = queued;
        long rc = (long) Calls.ENTER.invokeExact(SYS_IO_URING_ENTER, (long) ringFd, n, n, (long) IORING_ENTER_GETEVENTS,
                MemorySegment.NULL, 0L);
        if (rc != n) throw new IllegalStateException("io_uring_enter submitted " + rc + " of " + n);
        queued = 0;
        int head = (int) INT.getAcquire(rings, cqHead), tail = (int) INT.getAcquire(rings, cqTail);
        if (tail - head != n) throw new IllegalStateException((tail - head) + " completions for " + n + " sends");
        int short_ = 0;
        for (; head != tail; head++) {
            long cqe = cqes + (long) (head & (int) cqMask) * CQE_SIZE;
            if (rings.get(JAVA_INT, cqe + 8) != rings.get(JAVA_LONG, cqe)) short_++;
        }
        INT.setRelease(rings, cqHead, head);
        return short_;
    }

    @Override
    public void close() {
        try {
            int a = (int) Calls.MUNMAP.invokeExact(rings, rings.byteSize());
            int b = (int) Calls.MUNMAP.invokeExact(sqes, sqes.byteSize());
            Linux.close(ringFd); // registered files are released with the ring
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** libc's {@code syscall} (the io_uring calls have no libc wrappers), {@code mmap}, {@code munmap}. */
    private static final class Calls {
        private static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle SETUP = syscall(ADDRESS);
        static final MethodHandle ENTER = syscall(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);
        static final MethodHandle REGISTER = syscall(JAVA_LONG, ADDRESS, JAVA_LONG);
        static final MethodHandle MMAP = bind("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        static final MethodHandle MUNMAP = bind("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

        /**
         * {@code long syscall(long nr, long fd, ...)}: every argument passed as a full register
         * (variadic ints would leave the upper half undefined).
         */
        private static MethodHandle syscall(java.lang.foreign.MemoryLayout... rest) {
            var args = new java.lang.foreign.MemoryLayout[rest.length + 2];
            args[0] = JAVA_LONG;
            args[1] = JAVA_LONG;
            System.arraycopy(rest, 0, args, 2, rest.length);
            return bind("syscall", FunctionDescriptor.of(JAVA_LONG, args), Linker.Option.firstVariadicArg(1));
        }

        @SuppressWarnings("restricted")
        private static MethodHandle bind(String name, FunctionDescriptor d, Linker.Option... options) {
            return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d, options);
        }
    }
}
