package parley.accounts;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Accounts kept in memory, for {@code --data none}: they are gone when the process ends. */
public final class MemoryAccountRecords implements AccountRecords {
    private final ConcurrentHashMap<String, Stored> byName = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    @Override
    public Optional<Stored> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public Stored insert(String name, String hash) {
        Stored s = new Stored(ids.incrementAndGet(), name, hash);
        return byName.putIfAbsent(name, s) == null ? s : null;
    }

    @Override
    public void setHash(long id, String hash) {
        byName.replaceAll((n, s) -> s.id() == id ? new Stored(id, n, hash) : s);
    }
}
