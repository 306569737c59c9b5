package parley.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley server} in a process of its own, on a fixed loopback port, for tests that must stop
 * it as an operator or a crash would: SIGTERM ({@link #stop}) or SIGKILL ({@link #kill}), then
 * start it again on the same port and arguments. Its standard error goes to a file the test names.
 */
public final class ChildServer implements AutoCloseable {
    private final List<String> args;
    private final Path log;
    private final int port;
    private Process process;

    /**
     * @param args the server's arguments after its address (e.g. {@code --data DIR})
     * @param log  where its standard error goes (appended across restarts)
     */
    public ChildServer(List<String> args, Path log) throws IOException {
        this.args = List.copyOf(args);
        this.log = log;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            this.port = s.getLocalPort();
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Starts the server and waits (at most 60 s) until it accepts connections. */
    public ChildServer start() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
        cmd.addAll(List.of("-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", classPath(), "parley.cli.Main", "server", "127.0.0.1:" + port, "--http", "off"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("PARLEY_"));
        process = pb.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> canConnect() || !process.isAlive());
        if (!process.isAlive()) throw new IOException("the server did not start: " + Files.readString(log));
        return this;
    }

    /** SIGTERM, and waits for the process to end (an orderly stop). */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGKILL: the process ends at once, whatever it was doing. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    private boolean canConnect() {
        try (var s = new java.net.Socket()) {
            s.connect(address(), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * This test's class path without SLF4J's API, which only a test dependency (ArchUnit) brings:
     * the server as shipped has none, and with it but no provider every start prints three
     * "SLF4J(W)" lines on standard error that the server never wrote. For every test that starts
     * {@code parley.cli.Main} in a process of its own.
     */
    public static String classPath() {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!Path.of(e).getFileName().toString().startsWith("slf4j-api-")) entries.add(e);
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) kill();
    }
}
