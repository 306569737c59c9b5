package parley.hostile;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Guessing Auth tokens from 127.0.0.1, a connection per guess, {@code guesses} of them, then the
 * right token from the same address. Every one gets {@code authentication failed; closing the
 * connection}: after 5 failures a minute the address's Auth is refused unread, even the right
 * token, while the member (who signs in from 127.0.0.2) chats on.
 */
record AuthGuessing(int guesses) implements Attack {
    static final String FAILED = Line.error("authentication failed; closing the connection");

    @Override
    public String name() {
        return "auth-guessing";
    }

    @Override
    public boolean needsTokens() {
        return true;
    }

    @Override
    public Outcome run(Target target, Duration duration) throws Exception {
        Bound bound = Bound.of(duration);
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (; sent < guesses && bound.open(); sent++) check(target, "guess-" + sent + "-xxxxxxxx", failures);
        if (sent > 5) check(target, target.memberToken(), failures); // throttled: refused unread
        double throttled = Http.metrics(target.http()).getOrDefault("parley_errors_total{kind=\"auth_throttled\"}", -1.0);
        if (target.http() != null && sent > 5 && throttled < sent - 5) {
            failures.add("only " + (long) throttled + " Auth refused unread after " + sent + " wrong tokens");
        }
        bound.hold();
        return new Attack.Outcome(sent + " wrong tokens, then the right one, from 127.0.0.1: each 'authentication "
                + "failed'; " + (long) throttled + " refused unread", failures);
    }

    private static void check(Target target, String token, List<String> failures) throws IOException {
        try (Line l = Line.open(target.chat(), 0, "127.0.0.1")) {
            l.send("{\"Auth\":{\"token\":" + Line.json(token) + "}}").send("{\"List\":{}}");
            String got = l.read(10_000);
            if (!FAILED.equals(got) && failures.size() < 20) failures.add("a guess got " + got);
        }
    }
}
