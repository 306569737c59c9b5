package parley.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --max-memory's default: the rule, on made-up machines and containers, and the launcher following it. */
@DisplayName("--max-memory's default")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MaxMemoryTest {
    private static final long MIB = 1L << 20, GIB = 1L << 30;
    /** What cgroup v1 reports for "no limit". */
    private static final String V1_NO_LIMIT = "9223372036854771712\n";

    @Test
    @DisplayName("a quarter of the machine, at most 1 GiB: a 24 GiB machine gets 1g, a 2 GiB one 512m")
    void quarterOfTheMachine() {
        assertThat(MaxMemory.of(24 * GIB, null, null)).isEqualTo(GIB);
        assertThat(MaxMemory.of(2 * GIB, null, null)).isEqualTo(512 * MIB);
        assertThat(MaxMemory.of(4 * GIB, null, null)).isEqualTo(GIB);
    }

    @Test
    @DisplayName("a container's limit counts when it is less than the machine; 'max' and v1's huge number mean none")
    void containerLimit() {
        assertThat(MaxMemory.of(24 * GIB, "2147483648\n", null)).isEqualTo(512 * MIB);
        assertThat(MaxMemory.of(24 * GIB, null, "1073741824\n")).isEqualTo(256 * MIB);
        assertThat(MaxMemory.of(2 * GIB, "max\n", null)).isEqualTo(512 * MIB);
        assertThat(MaxMemory.of(2 * GIB, null, V1_NO_LIMIT)).isEqualTo(512 * MIB);
        assertThat(MaxMemory.of(24 * GIB, "max\n", V1_NO_LIMIT)).isEqualTo(GIB);
        // A limit above the machine's memory is no tighter than the machine.
        assertThat(MaxMemory.of(2 * GIB, "8589934592", null)).isEqualTo(512 * MIB);
    }

    @Test
    @DisplayName("a small container gets the 64m floor: a quarter of 200 MiB (50 MiB) is below it")
    void floor() {
        assertThat(MaxMemory.of(24 * GIB, String.valueOf(200 * MIB), null)).isEqualTo(64 * MIB);
        assertThat(MaxMemory.of(100 * MIB, null, null)).isEqualTo(64 * MIB);
        assertThat(MaxMemory.FLOOR).isEqualTo(64 * MIB);
    }

    @Test
    @DisplayName("whole MiB, so the launcher's -Xmx and the log agree; unknown memory and junk impose nothing")
    void wholeMibAndJunk() {
        assertThat(MaxMemory.of(1_000_000_003L, null, null)).isEqualTo(238 * MIB); // 250,000,000 bytes -> 238 MiB
        assertThat(MaxMemory.of(-1, null, null)).isEqualTo(GIB);
        assertThat(MaxMemory.of(2 * GIB, "", "garbage")).isEqualTo(512 * MIB);
        assertThat(MaxMemory.of(2 * GIB, "0", null)).isEqualTo(512 * MIB);
    }

    @Test
    @DisplayName("MemTotal is read from /proc/meminfo's text (kB)")
    void meminfo() {
        assertThat(MaxMemory.memTotal("MemTotal:       24683748 kB\nMemFree:  100 kB\n")).isEqualTo(24683748L * 1024);
        assertThat(MaxMemory.memTotal("MemFree:  100 kB\n")).isEqualTo(-1);
        assertThat(MaxMemory.memTotal(null)).isEqualTo(-1);
    }

    @Test
    @DisplayName("this machine's default is within the floor and the ceiling")
    void thisMachine() {
        assertThat(MaxMemory.forThisMachine()).isBetween(MaxMemory.FLOOR, MaxMemory.CEILING);
    }

    @Test
    @DisplayName("the launcher's default_max_memory gives the same value as the Java on the same files")
    void launcherAgrees(@TempDir Path dir) throws Exception {
        String function = launcherFunction();
        String[][] cases = {
                {"MemTotal:       24683748 kB\n", null, V1_NO_LIMIT},
                {"MemTotal:        2097152 kB\n", "max\n", null},
                {"MemTotal:       24683748 kB\n", "209715200\n", null},
                {"MemTotal:       24683748 kB\n", null, "1610612736\n"},
                {"MemTotal:         976563 kB\n", null, null},
                {null, null, null},
                {"MemTotal:       24683748 kB\n", "3221225472\n", "1073741824\n"},
        };
        for (String[] c : cases) {
            Path meminfo = write(dir, "meminfo", c[0]);
            Path v2 = write(dir, "memory.max", c[1]);
            Path v1 = write(dir, "memory.limit_in_bytes", c[2]);
            long java = MaxMemory.of(MaxMemory.memTotal(c[0]), c[1], c[2]);
            String bash = runBash(function + "\ndefault_max_memory \"$1\" \"$2\" \"$3\"", meminfo, v2, v1);
            assertThat(bash).as("launcher for meminfo=%s v2=%s v1=%s", c[0], c[1], c[2])
                    .isEqualTo((java >> 20) + "m");
        }
    }

    /** The function as the launcher declares it, from its first line to its closing brace. */
    private static String launcherFunction() throws Exception {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(Path.of("parley"))) {
            if (line.startsWith("default_max_memory()")) in = true;
            if (in) out.add(line);
            if (in && line.equals("}")) break;
        }
        assertThat(out).as("./parley declares default_max_memory").isNotEmpty();
        return String.join("\n", out);
    }

    private static Path write(Path dir, String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.deleteIfExists(p);
        if (content != null) Files.writeString(p, content);
        return p;
    }

    private static String runBash(String script, Path... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "set -euo pipefail\n" + script, "bash"));
        for (Path a : args) cmd.add(a.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("bash finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.exitValue()).as("bash exit; output: %s", out).isZero();
        return out;
    }
}
