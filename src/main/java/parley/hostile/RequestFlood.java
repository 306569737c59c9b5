package parley.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Cheap requests as fast as one connection can send them: rounds of {@code perRound} Members
 * requests in one write, at most {@code rounds}. Past {@code --request-rate} each gets
 * {@code requesting too fast: ...; this request was not acted on}; the rest are answered; the
 * connection stays.
 */
record RequestFlood(int perRound, int rounds) implements Attack {
    private static final String RATE = "{\"Error\":\"requesting too fast: ";

    @Override
    public String name() {
        return "request-flood";
    }

    @Override
    public Outcome run(Target target, Duration duration) throws Exception {
        Bound bound = Bound.of(duration);
        String group = "hostile-flood-" + Long.toString(System.nanoTime() & 0xFFFFFF, 36);
        List<String> failures = new ArrayList<>();
        long answered = 0;
        long refused = 0;
        int round = 0;
        try (Line flood = Line.open(target.chat(), 0)) {
            flood.send(Line.join(group));
            byte[] burst = ("{\"Members\":{\"group_name\":" + Line.json(group) + "}}\n").repeat(perRound).getBytes(UTF_8);
            for (; round < rounds && bound.open(); round++) {
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        flood.sendRaw(burst);
                    } catch (java.io.IOException ignored) {
                        // seen below as a missing answer
                    }
                });
                for (int i = 0; i < perRound; i++) {
                    String l = flood.read(20_000);
                    if (l == null || l.equals(Line.TIMEOUT)) {
                        failures.add("round " + round + ": answer " + i + " of " + perRound + " did not come: " + l);
                        return outcome(answered, refused, round, failures);
                    }
                    if (l.startsWith(RATE)) refused++;
                    else if (l.startsWith("{\"Members\":")) answered++;
                    else if (failures.size() < 20) failures.add("the flood got " + l);
                }
                writer.join();
            }
            bound.hold();
            if (refused == 0) failures.add("no request was refused for the request rate");
            return outcome(answered, refused, round, failures);
        }
    }

    private Outcome outcome(long answered, long refused, int rounds, List<String> failures) {
        return new Attack.Outcome(rounds + " x " + perRound + " Members requests in one write: " + answered + " answered, "
                + refused + " refused 'requesting too fast'", failures);
    }
}
