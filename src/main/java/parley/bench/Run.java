package parley.bench;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/** A scenario being run. {@link #abort} may be called from another thread (the watchdog). */
interface Run {
    Report run() throws BenchException, IOException;

    /** Closes every connection so the run ends at once; it then reports what it has. */
    void abort();

    /**
     * The run's transport to the target, from as many loopback source addresses as the connection
     * count needs.
     */
    static Transport transport(BenchConfig c) throws BenchException {
        return Transport.of(c, c.target(), c.httpFor(c.target()), c.totalConnections());
    }

    /** The run's subscriber pool; if it cannot be made, the transport is let go. */
    static SubscriberPool pool(Transport transport, int lanes, String[] names, int bufferSize) throws IOException {
        try {
            return new SubscriberPool(transport, lanes, names, bufferSize);
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /**
     * Group names for one run: {@code bench-XXXX-N} with a random XXXX, so two runs against one
     * server never share a group.
     */
    static String[] groupNames(int n) {
        String run = String.format("%04x", ThreadLocalRandom.current().nextInt(1 << 16));
        String[] names = new String[n];
        for (int i = 0; i < n; i++) names[i] = "bench-" + run + "-" + i;
        return names;
    }
}
