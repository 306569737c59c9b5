package parley.client;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import parley.protocol.FromClient;

/**
 * The posts sent with an id that the server has not yet answered with {@code Posted}, oldest
 * first: what a reconnection resends, each with its own id, so that each lands exactly once (the
 * server dedups a group and id it has already taken).
 *
 * <p>Bounded by {@link #MAX_POSTS} and {@link #MAX_CHARS} of message text: a server that never
 * acknowledges (one that predates ids) must not make the client grow without end. Past either
 * bound the oldest posts are forgotten; {@link #add} says how many, so the user can be told.
 *
 * <p>Thread-safe: the command thread adds, the reply thread acknowledges, a reconnection reads.
 */
final class Unacknowledged {
    static final int MAX_POSTS = 1000;
    static final long MAX_CHARS = 4L << 20;

    private final LinkedHashMap<String, FromClient.Post> posts = new LinkedHashMap<>();
    private final int maxPosts;
    private final long maxChars;
    private long chars;

    Unacknowledged() {
        this(MAX_POSTS, MAX_CHARS);
    }

    Unacknowledged(int maxPosts, long maxChars) {
        this.maxPosts = maxPosts;
        this.maxChars = maxChars;
    }

    /** Remembers a post that carries an id; returns how many of the oldest it had to forget. */
    synchronized int add(FromClient.Post post) {
        if (post.id() == null) throw new IllegalArgumentException("a post without an id is never acknowledged");
        posts.put(post.id(), post);
        chars += size(post);
        int dropped = 0;
        Iterator<FromClient.Post> oldest = posts.values().iterator();
        while (posts.size() > 1 && (posts.size() > maxPosts || chars > maxChars)) {
            chars -= size(oldest.next());
            oldest.remove();
            dropped++;
        }
        return dropped;
    }

    /** The server has the post named {@code id}; an unknown id (a second Posted) is ignored. */
    synchronized void acknowledge(String id) {
        FromClient.Post p = posts.remove(id);
        if (p != null) chars -= size(p);
    }

    /** What is still unacknowledged, oldest first. */
    synchronized List<FromClient.Post> pending() {
        return new ArrayList<>(posts.values());
    }

    synchronized int size() {
        return posts.size();
    }

    private static long size(FromClient.Post p) {
        return p.message().length() + p.groupName().length();
    }
}
