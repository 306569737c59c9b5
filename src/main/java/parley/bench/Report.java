package parley.bench;

import java.util.List;

/** The outcome of a run: a text report for people, one JSON object for scripts. */
interface Report {
    /** What went wrong, if anything: lost messages, failed connections, errors. Empty = clean. */
    List<String> problems();

    default boolean clean() {
        return problems().isEmpty();
    }

    String text();

    String json();

    /** One line for the end of the run on stderr. */
    String summary();
}
