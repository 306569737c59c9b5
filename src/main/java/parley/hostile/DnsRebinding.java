package parley.hostile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Attack 10: a page on {@code evil.example}, its name rebound to the loopback address, reaches the
 * server with {@code Host: evil.example:PORT}: every such request gets 421 (the page, /ws, /health,
 * /metrics); a WebSocket with the right Host and an https origin gets 403. {@code requests} of
 * them, round-robin.
 */
record DnsRebinding(int requests) implements Attack {
    private static final List<String> PATHS = List.of("/", "/index.html", "/app.js", "/health", "/metrics", "/ws");

    @Override
    public String name() {
        return "dns-rebinding";
    }

    @Override
    public boolean needsHttp() {
        return true;
    }

    @Override
    public Outcome run(Target target, Duration duration) throws Exception {
        Bound bound = Bound.of(duration);
        String evil = "evil.example:" + target.http().getPort();
        String own = Http.host(target.http());
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (; sent < requests && bound.open(); sent++) {
            int want;
            int got;
            String what;
            switch (sent % (PATHS.size() + 2)) {
                case 0 -> {
                    what = "WebSocket, Host and Origin " + evil;
                    want = 421;
                    try (WsFrames ws = WsFrames.open(target.http(), evil, "http://" + evil)) {
                        got = ws.status;
                    }
                }
                case 1 -> {
                    what = "WebSocket, https Origin";
                    want = 403;
                    try (WsFrames ws = WsFrames.open(target.http(), own, "https://" + own)) {
                        got = ws.status;
                    }
                }
                default -> {
                    String path = PATHS.get(sent % (PATHS.size() + 2) - 2);
                    what = "GET " + path + " with Host " + evil;
                    want = 421;
                    got = Http.get(target.http(), path, evil, 10_000).status();
                }
            }
            if (got != want && failures.size() < 20) failures.add(what + ": " + got + ", not " + want);
        }
        bound.hold();
        return new Attack.Outcome(sent + " requests with a foreign Host or Origin, each answered 421 or 403", failures);
    }
}
