package parley.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.testing.TestClient;

/**
 * The churn of issue 18: rounds of 500 connect / join / 64 KB post / reset cycles against a server
 * in a child process, run with the launcher's collector settings and a 256 MiB heap. The server's
 * RSS must follow its live set: after the fifth round it has grown from the third by less than one
 * round's worth of posts (with the old settings it grew by about 60 MB per 500 posts and came back
 * only at a full collection; a leak of the posts adds 31 MB a round, 62 MB over the two).
 * Long: {@code ./parley test -P long-tests}.
 */
@Tag("long")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ChurnRssTest {
    /** What the launcher ({@code ./parley}) gives the server's JVM for its collector; keep in step. */
    static final List<String> LAUNCHER_GC = List.of("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=5000");
    private static final int ROUNDS = 5, CYCLES = 500;
    /**
     * What the allocator, the code cache and the JIT's arenas may still move between rounds once a
     * full collection has taken G1's heap sizing out of the comparison: measured 1-4 MB here, 12 MB
     * once on CI (120 then 132 MB). A leak of the posts themselves grows by a round's
     * 500 x 64 KB = 31 MB each round, 62 MB from round 3 to round 5, so 24 MB still tells a leak
     * from the noise with room on both sides.
     */
    private static final long TOLERANCE_MB = 24;

    @TempDir
    Path dir;
    private Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    @Test
    void rssAfterTheFifthRoundHasNotGrownByARoundOfPosts() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
        cmd.addAll(LAUNCHER_GC);
        cmd.addAll(List.of("-Xmx256m", "-XX:TrimNativeHeapInterval=5000", "--enable-native-access=ALL-UNNAMED",
                "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", parley.testing.ChildServer.classPath(), "parley.cli.Main", "server", "127.0.0.1:" + port, "--http", "off",
                "--max-memory", "256m", "--group-capacity", "50", "--data", "none"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("server.err").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PARLEY_"));
        process = pb.start();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        await().atMost(Duration.ofSeconds(60)).until(() -> canConnect(address) || !process.isAlive());
        assertThat(process.isAlive()).as(Files.readString(dir.resolve("server.err"))).isTrue();

        String message = "m".repeat(64 * 1024);
        long[] rss = new long[ROUNDS + 1];
        try (TestClient member = TestClient.connect(address)) {
            member.join("churn").readInBackground();
            for (int round = 1; round <= ROUNDS; round++) {
                for (int i = 0; i < CYCLES; i++) {
                    TestClient c = TestClient.connect(address);
                    c.join("churn").post("churn", message);
                    c.abort();
                }
                // A full collection first (jcmd GC.run), so that what is compared is what the
                // server still holds, not where G1's heap sizing happened to stand (without it CI
                // saw 118 then 152 MB across rounds with no leak); then, as between bursts, the
                // lowest RSS of the next 15 s, once a second.
                fullGc(process.pid());
                rss[round] = Long.MAX_VALUE;
                for (int t = 0; t < 15; t++) {
                    Thread.sleep(1000);
                    rss[round] = Math.min(rss[round], rssMb(process.pid()));
                }
                System.out.println("ChurnRssTest: round " + round + " RSS " + rss[round] + " MB");
            }
        }
        // Growth is what a leak looks like; a fifth round that ends lower than the third (the
        // collector gave back more this time: CI saw 179 then 133 MB) is no leak.
        assertThat(rss[5] - rss[3]).as("RSS growth from round 3 (%d MB) to round 5 (%d MB)", rss[3], rss[5])
                .isLessThanOrEqualTo(TOLERANCE_MB);
    }

    /** Asks the server's JVM for a full collection, with the jcmd beside this JVM's java. */
    private static void fullGc(long pid) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Process jcmd = new ProcessBuilder(java.resolveSibling("jcmd").toString(), Long.toString(pid), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!jcmd.waitFor(30, TimeUnit.SECONDS)) jcmd.destroyForcibly();
    }

    private static boolean canConnect(InetSocketAddress a) {
        try (var s = new java.net.Socket()) {
            s.connect(a, 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long rssMb(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"), UTF_8)) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
        }
        throw new IOException("no VmRSS for " + pid);
    }

}
