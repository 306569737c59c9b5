package parley.bench;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/** A scenario being run. {@link #abort} may be called from another thread (the watchdog). */
interface Run {
    Report run() throws BenchException, IOException;

    /** Closes every connection so the run ends at once; it then reports what it has. */
    void abort();

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
