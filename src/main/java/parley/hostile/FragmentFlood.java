package parley.hostile;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Attack 8: {@code attackers} WebSocket connections each send a {@code first}-byte first frame of
 * a text message and announce a continuation of {@code announced} bytes, of which they send 1,000
 * and then nothing. Messages are reserved from the fragments budget when a frame's header arrives:
 * the connections beyond it get {@code server busy: no memory for this WebSocket message now;
 * closing the connection} and a Close with 1008; the budget is never exceeded.
 */
record FragmentFlood(int attackers, int first, int announced) implements Attack {
    static final String BUSY = Line.error("server busy: no memory for this WebSocket message now; closing the connection");

    @Override
    public String name() {
        return "ws-fragment-flood";
    }

    @Override
    public boolean needsHttp() {
        return true;
    }

    @Override
    public Outcome run(Target target, Duration duration) throws Exception {
        Bound bound = Bound.of(duration);
        List<WsFrames> all = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        String used = MetricsWatch.budget("used_bytes", "fragments");
        String limit = MetricsWatch.budget("limit_bytes", "fragments");
        int held = 0;
        int refused = 0;
        try (MetricsWatch watch = new MetricsWatch(target.http(), used, limit)) {
            for (int i = 0; i < attackers && bound.open(); i++) {
                WsFrames a = WsFrames.open(target.http());
                all.add(a);
                try {
                    a.frame(false, WsFrames.TEXT, new byte[first]);
                    a.announce(false, WsFrames.CONTINUATION, announced, 1000);
                } catch (IOException e) {
                    // refused while sending: its answer is read below
                }
            }
            for (WsFrames a : all) {
                WsFrames.Frame f = a.readTextOrClose(300);
                if (f == null) {
                    held++;
                } else if (f.opcode() == WsFrames.TEXT && f.text().equals(BUSY)) {
                    WsFrames.Frame close = a.readTextOrClose(10_000);
                    if (close == null || close.closeCode() != 1008) failures.add("a refused message got no Close 1008");
                    refused++;
                } else {
                    String got = f.opcode() == WsFrames.TEXT ? f.text() : "opcode " + f.opcode();
                    failures.add("an unfinished message got " + got);
                }
            }
            bound.hold();
            for (WsFrames a : all) a.close();
            watch.close();
            if (watch.available()) {
                if (watch.peak(used) > watch.peak(limit)) {
                    failures.add("fragments budget " + (long) watch.peak(used) + " over its limit " + (long) watch.peak(limit));
                }
                if ((long) all.size() * (first + announced) > 1.2 * watch.peak(limit) && refused == 0) {
                    failures.add("no message was refused for the fragments budget");
                }
            }
            return new Attack.Outcome(all.size() + " unfinished " + (first + announced) + "-byte messages: " + held
                    + " held, " + refused + " refused with the Error and 1008; fragments budget peak "
                    + MetricsWatch.n(watch.peak(used)) + " of " + MetricsWatch.n(watch.peak(limit)), failures);
        } finally {
            for (WsFrames a : all) a.close();
        }
    }
}
