package parley.hostile;

import java.util.List;

/** One attack's line in the report: what it did, what the probe measured, and every check that failed. */
record Row(String attack, Attack.Outcome outcome, Figures figures, List<String> failures, String skipped) {

    static Row skipped(String attack, String why) {
        return new Row(attack, null, null, List.of(), why);
    }

    boolean ok() {
        return failures.isEmpty();
    }

    /** The Markdown table's row: attack, RSS before / peak / after, /health max, member p50 / max, verdict. */
    String markdown() {
        if (skipped != null) return "| " + attack + " | | | | | | skipped: " + skipped + " |";
        Figures f = figures;
        if (f.rssPeak() < 0) {
            return "| " + attack + " | " + Proc.mb(f.rssBefore()) + " / - / " + Proc.mb(f.rssAfter()) + " | | | "
                    + (ok() ? "ok" : "FAILED") + " |";
        }
        return "| " + attack + " | " + Proc.mb(f.rssBefore()) + " / " + Proc.mb(f.rssPeak()) + " / " + Proc.mb(f.rssAfter())
                + " | " + (f.healthMaxMillis() < 0 ? "-" : f.healthMaxMillis() + " ms") + " | " + f.memberP50Millis()
                + " / " + f.memberMaxMillis() + " ms (" + f.memberTrips() + ") | " + (ok() ? "ok" : "FAILED") + " |";
    }

    static String markdownHead() {
        return "| attack | RSS before / peak / after (MB) | /health max | member round trip p50 / max (trips) | checks |\n"
                + "|---|---|---|---|---|";
    }
}
