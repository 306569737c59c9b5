package parley.client;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * On a terminal, {@code join dogs} is confirmed with the group's member count
 * ({@code joined dogs (3 members)}). The count comes from a one-group page of List asked right
 * after the Join (the server answers a connection's requests in order, so the Join is counted):
 * the page after the name just before the group's. This queue says, for each List answer still to
 * come, whether it is such a confirmation or the user's own {@code list}, in the order they were
 * asked.
 *
 * <p>Thread-safe: requests are recorded while writing, answers taken by the reply thread.
 */
final class JoinConfirmations {
    /** What one List answer is for: the group to confirm, or null for the user's own list. */
    private record Expected(String group) {}

    private final ConcurrentLinkedQueue<Expected> expected = new ConcurrentLinkedQueue<>();

    void userList() {
        expected.add(new Expected(null));
    }

    void confirm(String group) {
        expected.add(new Expected(group));
    }

    /** The group the next Groups answer confirms, or null if it is the user's. */
    String next() {
        Expected e = expected.poll();
        return e == null ? null : e.group();
    }

    void clear() {
        expected.clear();
    }

    /**
     * The greatest name that sorts before {@code group} in the server's (Java String) order, as
     * near as matters: with it as {@code after}, the first name listed is the group's if it exists.
     * A name in between would have to begin with this one and a run of U+FFFF.
     */
    static String before(String group) {
        if (group.isEmpty()) return null; // sorts first: the first page starts with it
        char last = group.charAt(group.length() - 1);
        String stem = group.substring(0, group.length() - 1);
        return last == 0 ? stem : stem + (char) (last - 1) + "\uffff".repeat(16);
    }

    static String text(String group, long members) {
        return "joined " + group + " (" + members + (members == 1 ? " member)" : " members)");
    }
}
