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

    /** Ends a text report: clean or PROBLEMS, then each problem on a line of its own. */
    default void appendResult(StringBuilder b) {
        List<String> p = problems();
        b.append(String.format("%n  result: %s%n", p.isEmpty() ? "clean" : "PROBLEMS"));
        for (String s : p) b.append("    - ").append(s).append(System.lineSeparator());
    }
}
