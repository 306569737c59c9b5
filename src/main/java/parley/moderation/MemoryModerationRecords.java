package parley.moderation;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ModerationRecords} in memory, for {@code --data none} (and cluster mode): they end with the process. */
public final class MemoryModerationRecords implements ModerationRecords {
    private final Map<String, GroupRules> groups = new ConcurrentHashMap<>();
    private final Set<String> admins = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> suspensions = new ConcurrentHashMap<>();

    @Override
    public Map<String, GroupRules> groups() {
        return Map.copyOf(groups);
    }

    @Override
    public void save(String group, GroupRules rules) {
        if (rules.open()) groups.remove(group);
        else groups.put(group, rules);
    }

    @Override
    public Set<String> admins() {
        return Set.copyOf(admins);
    }

    @Override
    public void setAdmin(String name, boolean admin) {
        if (admin) admins.add(name);
        else admins.remove(name);
    }

    @Override
    public Map<String, Long> suspensions() {
        return Map.copyOf(suspensions);
    }

    @Override
    public void suspend(String name, long until) {
        if (until == 0) suspensions.remove(name);
        else suspensions.put(name, until);
    }
}
