package parley.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import parley.broadcast.Broadcast;
import parley.broadcast.Entry;

/** A chat group: its name, its broadcast ring, and who its members are. */
public final class Group {
    private final String name;
    private final Broadcast<Posted> channel;
    private final Set<Session> members = ConcurrentHashMap.newKeySet();

    Group(String name, ServerConfig config) {
        this.name = name;
        this.channel = new Broadcast<>(config.groupCapacity(), config.historyMessages(),
                config.historyBytes(), Posted::weight);
    }

    public String name() {
        return name;
    }

    /** Current member count (each member holds one receiver of the ring); a snapshot. */
    public int members() {
        return channel.receiverCount();
    }

    /** Messages posted to this group so far. */
    public long posted() {
        return channel.tail();
    }

    Broadcast<Posted> channel() {
        return channel;
    }

    void added(Session c) {
        members.add(c);
    }

    void removed(Session c) {
        members.remove(c);
    }

    /** The names of members that said Hello or signed in, sorted, each once (one user may have several connections). */
    List<String> memberNames() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (Session c : members) {
            String n = c.name();
            if (n != null) names.add(n);
        }
        return new ArrayList<>(names);
    }

    /** Encodes the message once and hands it to every member; never waits for one. */
    void post(String message, String from) {
        channel.send(new Posted(name, message, from));
    }

    /**
     * Retained messages with wire seq greater than {@code after} (oldest first), or the newest
     * {@code limit} when {@code after} is negative.
     */
    List<Entry<Posted>> history(long after, long limit) {
        long tail = channel.tail();
        long from = after < 0 ? tail - limit : after; // wire seq = ring seq + 1
        from = Math.max(from, channel.retainedFrom());
        List<Entry<Posted>> out = new ArrayList<>();
        for (long s = from; s < tail && out.size() < limit; s++) {
            Entry<Posted> e = channel.get(s);
            if (e != null) out.add(e);
        }
        return out;
    }
}
