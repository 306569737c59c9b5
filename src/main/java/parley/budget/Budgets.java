package parley.budget;

import java.util.List;

/**
 * The server's memory budgets, each a share of {@code --max-memory} (the heap the launcher gives
 * the JVM). The shares add up to 80%: the rest is the server's own fixed cost (its classes, the
 * group table, each connection's few hundred bytes of state) and room for the collector, so no
 * client behaviour brings the heap near its limit.
 *
 * @param lines     partial request lines being read (TCP read buffers grown past their idle size)
 * @param replies   replies queued for clients that have not read them yet
 * @param rings     the contents of the group rings and their retained history
 * @param fragments WebSocket messages arriving in several frames, until the last one
 * @param reads     history and Fetch replies being read or encoded
 */
public record Budgets(MemoryBudget lines, MemoryBudget replies, MemoryBudget rings, MemoryBudget fragments,
                      MemoryBudget reads) {
    /** Shares of the maximum memory, in percent, in the order of the components. */
    static final int LINES = 15, REPLIES = 10, RINGS = 40, FRAGMENTS = 5, READS = 10;

    /** The budgets for a server given {@code maxMemory} bytes of heap. */
    public static Budgets of(long maxMemory) {
        return new Budgets(share("lines", maxMemory, LINES), share("replies", maxMemory, REPLIES),
                share("rings", maxMemory, RINGS), share("fragments", maxMemory, FRAGMENTS),
                share("reads", maxMemory, READS));
    }

    /** No bound at all: for tests and tools that hold a server in process without one. */
    public static Budgets unlimited() {
        return new Budgets(MemoryBudget.unlimited("lines"), MemoryBudget.unlimited("replies"),
                MemoryBudget.unlimited("rings"), MemoryBudget.unlimited("fragments"), MemoryBudget.unlimited("reads"));
    }

    private static MemoryBudget share(String name, long total, int percent) {
        return new MemoryBudget(name, total / 100 * percent);
    }

    /** Every budget, for /metrics and the start-up log. */
    public List<MemoryBudget> all() {
        return List.of(lines, replies, rings, fragments, reads);
    }
}
