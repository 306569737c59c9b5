package parley.moderation;

import java.util.Map;
import java.util.Set;

/**
 * Where moderation's state outlives the process: the SQLite store's tables, or memory with
 * {@code --data none} ({@link MemoryModerationRecords}). Read whole at start (it is small: a
 * record per moderated group and per admin or suspended account), written at each change.
 * Implementations are safe for concurrent use.
 */
public interface ModerationRecords {

    /** Every group with rules other than {@link GroupRules#OPEN}, by name. */
    Map<String, GroupRules> groups();

    /** Keeps {@code rules} as the group's, replacing what was kept; open rules are forgotten. */
    void save(String group, GroupRules rules);

    /** The accounts stored as server admins ({@code parley accounts admin NAME}). */
    Set<String> admins();

    /** Stores (or removes) an account's admin flag. */
    void setAdmin(String name, boolean admin);

    /** Suspended accounts and when each suspension ends (ms since 1970). */
    Map<String, Long> suspensions();

    /** Suspends {@code name} until {@code until}; 0 lifts its suspension. */
    void suspend(String name, long until);
}
