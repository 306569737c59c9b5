package parley.cluster;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real nats-server with JetStream for one test class: loopback only, a free port, a temporary
 * store. {@link #stop} and {@link #start} again reuse the port and the store, as a restart does.
 * Tests skip (not fail) when the binary is missing; .ci/run installs it.
 */
public final class NatsServer implements AutoCloseable {
    private static final String[] CANDIDATES = {"/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"};

    private final String binary;
    private final int port;
    private final Path store;
    private final Path log;
    private Process process;

    private NatsServer(String binary, int port, Path store) throws IOException {
        this.binary = binary;
        this.port = port;
        this.store = store;
        this.log = Files.createTempFile("parley-nats", ".log");
    }

    /** Skips the calling test if nats-server is not installed. */
    static String binary() {
        for (String c : CANDIDATES) {
            if (new File(c).canExecute()) return c;
        }
        assumeTrue(false, "nats-server is not installed (apt-get install -y nats-server): cluster tests skipped");
        return null;
    }

    public static NatsServer startNew() throws IOException, InterruptedException {
        NatsServer n = new NatsServer(binary(), freePort(), Files.createTempDirectory("parley-nats-store"));
        n.start();
        return n;
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) return;
        process = new ProcessBuilder(binary, "-a", "127.0.0.1", "-p", String.valueOf(port), "-js", "-sd", store.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IOException("nats-server exited: " + Files.readString(log));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("nats-server did not listen on " + port + " in time");
    }

    /** Stops it the hard way (SIGKILL), as a crash would. */
    synchronized void kill() throws InterruptedException {
        if (process == null) return;
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        process = null;
    }

    /** Stops it cleanly (SIGTERM). */
    synchronized void stop() throws InterruptedException {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        process = null;
    }

    @Override
    public void close() throws Exception {
        stop();
        try (Stream<Path> files = Files.walk(store)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.deleteIfExists(log);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
