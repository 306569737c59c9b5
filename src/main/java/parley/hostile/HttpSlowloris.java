package parley.hostile;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Attack 1: HTTP requests sent up to their last header and never finished. The server holds at
 * most {@code --max-http-connections} of them (the rest wait unaccepted, holding no descriptor of
 * its own) and closes each one not whole within {@code --http-idle-timeout} ({@code idleTimeout},
 * null when unknown: that check is then skipped); {@code /health} answers once the attacker leaves.
 */
record HttpSlowloris(int requests, Duration idleTimeout) implements Attack {
    private static final byte[] HALF_SENT = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n".getBytes(US_ASCII);

    @Override
    public String name() {
        return "slowloris";
    }

    @Override
    public boolean needsHttp() {
        return true;
    }

    @Override
    public boolean healthDuringAttack() {
        return false;
    }

    @Override
    public Outcome run(Target target, Duration duration) throws Exception {
        long maxHttp = (long) Http.metrics(target.http()).getOrDefault("parley_http_max_connections", -1.0).doubleValue();
        long fdsBefore = Proc.descriptors(target.pid());
        Bound bound = Bound.of(duration);
        long started = System.nanoTime();
        List<Socket> sockets = new ArrayList<>();
        AtomicInteger closedByServer = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        try {
            int refusedConnects = 0;
            for (int i = 0; i < requests && bound.open() && refusedConnects < 3; i++) {
                Socket s = new Socket();
                try {
                    s.connect(target.http(), 2000);
                    s.getOutputStream().write(HALF_SENT);
                } catch (IOException e) {
                    s.close();
                    refusedConnects++; // the listen backlog is full too: enough
                    continue;
                }
                sockets.add(s);
                Thread.ofVirtual().start(() -> awaitClose(s, closedByServer));
            }
            bound.hold();
            long fdsDuring = Proc.descriptors(target.pid());
            if (maxHttp > 0 && fdsBefore > 0 && fdsDuring - fdsBefore > maxHttp + 50) {
                failures.add("the server held " + (fdsDuring - fdsBefore) + " more descriptors, over --max-http-connections "
                        + maxHttp);
            }
            boolean timeoutPassed = idleTimeout != null
                    && System.nanoTime() - started > idleTimeout.plusSeconds(2).toNanos();
            if (timeoutPassed && closedByServer.get() == 0) {
                failures.add("no half-sent request was closed at the " + idleTimeout.toSeconds() + " s header timeout");
            }
            return new Attack.Outcome(sockets.size() + " half-sent requests, server descriptors " + fdsBefore + " -> "
                    + fdsDuring + " (HTTP limit " + maxHttp + "), " + closedByServer.get()
                    + " closed by the header timeout", failures);
        } finally {
            for (Socket s : sockets) s.close();
        }
    }

    private static void awaitClose(Socket s, AtomicInteger closedByServer) {
        try {
            while (s.getInputStream().read() >= 0) {
                // a 408 or any other answer: read on to the close
            }
            closedByServer.incrementAndGet();
        } catch (IOException e) {
            if (!s.isClosed()) closedByServer.incrementAndGet(); // a reset from the server
        }
    }
}
