package parley.server;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct write buffers lent to connection writers while they have output. An idle connection
 * holds none, so its memory cost does not include a write buffer; a busy one borrows one for the
 * length of a drain. Direct, because the socket write would otherwise copy a heap buffer into a
 * temporary direct one on every call.
 */
final class BufferPool {
    private final int bufferSize;
    private final int maxPooled;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooled = new AtomicInteger();

    BufferPool(int bufferSize, int maxPooled) {
        this.bufferSize = bufferSize;
        this.maxPooled = maxPooled;
    }

    ByteBuffer acquire() {
        ByteBuffer b = free.poll();
        if (b == null) return ByteBuffer.allocateDirect(bufferSize);
        pooled.decrementAndGet();
        return b;
    }

    void release(ByteBuffer b) {
        b.clear();
        // Beyond the cap, a buffer is left to the garbage collector rather than kept forever.
        if (pooled.incrementAndGet() <= maxPooled) {
            free.offer(b);
        } else {
            pooled.decrementAndGet();
        }
    }

    int bufferSize() {
        return bufferSize;
    }
}
