package parley.hostile;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server in a process of its own, started as the launcher starts one: the heap is the memory
 * budget, G1 with a periodic collection, the same native-access and export flags. Not the
 * launcher's ahead-of-time cache: a cold start only moves the first seconds, which the attacks do
 * not measure.
 */
final class ChildServer implements AutoCloseable {
    /** The launcher's JVM options other than the heap (keep in step with {@code ./parley}). */
    static final List<String> LAUNCHER_OPTIONS = List.of("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=5000",
            "-XX:TrimNativeHeapInterval=5000", "-Xss512k", "-Djdk.pollerMode=1", "--enable-native-access=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");

    private final Process process;
    private final Path log;
    /** The child's message store (the server's default: on), in a temporary directory removed at close. */
    private final Path data;
    final Target target;

    private ChildServer(Process process, Path log, Path data, Target target) {
        this.data = data;
        this.process = process;
        this.log = log;
        this.target = target;
    }

    /**
     * Starts {@code parley server} from {@code classPath} with {@code --max-memory maxMemory} (and
     * that heap) and the extra settings; waits until the chat port accepts and {@code /health} answers, at most 60 s.
     */
    static ChildServer start(String classPath, String maxMemory, List<String> settings, String memberToken)
            throws IOException, InterruptedException {
        int port = freePort();
        int httpPort = freePort();
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.add("-Xmx" + maxMemory);
        cmd.addAll(LAUNCHER_OPTIONS);
        cmd.addAll(List.of("-cp", classPath, "parley.cli.Main", "server", "127.0.0.1:" + port,
                "--http", "127.0.0.1:" + httpPort, "--max-memory", maxMemory));
        Path data = Files.createTempDirectory("parley-hostile-data");
        cmd.addAll(List.of("--data", data.toString()));
        cmd.addAll(settings);
        Path log = Files.createTempFile("parley-hostile-server", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PARLEY_"));
        Process p = pb.start();
        InetSocketAddress chat = new InetSocketAddress("127.0.0.1", port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        InetSocketAddress http = new InetSocketAddress("127.0.0.1", httpPort);
        while (!canConnect(chat) || !healthy(http)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("the server did not start: " + tail(log));
            }
            Thread.sleep(100);
        }
        return new ChildServer(p, log, data, new Target(chat, http, p.pid(), memberToken));
    }

    /** The last lines the server wrote, for a failure's message. */
    String logTail() {
        return tail(log);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log)";
        }
    }

    /** The HTTP side starts after the chat port: an attack on it must not find it missing. */
    private static boolean healthy(InetSocketAddress http) {
        try {
            return Http.get(http, "/health", 1000).status() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean canConnect(InetSocketAddress a) {
        try (Socket s = new Socket()) {
            s.connect(a, 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        try {
            Files.deleteIfExists(log);
            try (var files = Files.walk(data)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // temporary files
        }
    }
}
