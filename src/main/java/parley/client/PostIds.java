package parley.client;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names this client run's posts: a random prefix (8 base-36 characters, about 41 bits) and a
 * counter, {@code k3x9q0ab-1}, {@code k3x9q0ab-2}, ... The server dedups by group and id within
 * its window, so an id must not repeat within a run (the counter) nor collide with another run's
 * posts to the same group (the random prefix). At most 8 + 1 + 19 printable ASCII characters,
 * well inside the protocol's 64.
 */
final class PostIds {
    private static final String DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final int PREFIX_LENGTH = 8;

    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    PostIds(String prefix) {
        this.prefix = prefix;
    }

    /** Ids with a fresh random prefix. */
    static PostIds random() {
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder(PREFIX_LENGTH);
        for (int i = 0; i < PREFIX_LENGTH; i++) b.append(DIGITS.charAt(r.nextInt(DIGITS.length())));
        return new PostIds(b.toString());
    }

    String next() {
        return prefix + "-" + counter.incrementAndGet();
    }
}
