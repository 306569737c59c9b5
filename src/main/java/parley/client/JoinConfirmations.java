package parley.client;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import parley.protocol.FromServer;

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
    /** Reply thread: the next List summary ends a confirmation's page, not the user's. */
    private boolean summaryDue;

    void userList() {
        expected.add(new Expected(null));
    }

    void confirm(String group) {
        expected.add(new Expected(group));
    }

    /**
     * True if this Groups answer is a confirmation's (then the confirmation, if the group is in it,
     * goes to {@code note}); false if it answers the user's own {@code list}.
     */
    boolean answers(FromServer.Groups page, Consumer<String> note) {
        Expected e = expected.poll();
        if (e == null || e.group() == null) return false;
        summaryDue = true; // a one-group page always ends with its summary
        for (FromServer.GroupInfo i : page.groups()) {
            if (i.name().equals(e.group())) note.accept(text(e.group(), i.members()));
        }
        return true;
    }

    /** True if this List summary ends a confirmation's page: not the user's business. */
    boolean swallows(FromServer.Listed summary) {
        if (summary.groupName() != null || !summaryDue) return false;
        summaryDue = false;
        return true;
    }

    /** A new connection: the answers in flight are lost. */
    void clear() {
        expected.clear();
        summaryDue = false;
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
