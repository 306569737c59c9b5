package parley.bench;

import parley.net.Linux;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The bench's handling of open-files limits: parsing /proc, and raising a server process's limit. */
class FdLimitTest {
    private Process server;

    @AfterEach
    void stop() {
        if (server != null) server.destroyForcibly();
    }

    @Test
    void parsesTheOpenFilesRow() {
        List<String> lines = List.of("Limit                     Soft Limit           Hard Limit           Units",
                "Max processes             95000                95000                processes",
                "Max open files            1024                 unlimited            files");
        assertThat(FdLimit.parse(lines)).isEqualTo(new FdLimit.Limits(1024, FdLimit.UNLIMITED));
        assertThat(FdLimit.parse(List.of("Max processes 1 1 processes"))).isNull();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void raisesAServersSoftLimitWithinItsHardLimit() throws IOException {
        long pid = stranger(256, 4096);
        FdLimit.ServerLimits r = FdLimit.raiseServer(pid, 1000);
        assertThat(r.before()).isEqualTo(new FdLimit.Limits(256, 4096));
        assertThat(r.wanted()).isEqualTo(2 * 1000 + FdLimit.RESERVE);
        assertThat(r.after()).isEqualTo(new FdLimit.Limits(r.wanted(), 4096));
        assertThat(FdLimit.of(Long.toString(pid))).isEqualTo(r.after());
        assertThat(r.raised()).isTrue();
        assertThat(r.enough()).isTrue();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void pastTheHardLimitRaisesAsFarAsItIsAllowed() throws IOException {
        long pid = stranger(256, 512);
        FdLimit.ServerLimits r = FdLimit.raiseServer(pid, 1000);
        if (r.after().hard() >= r.wanted()) {
            // Privileged (CAP_SYS_RESOURCE): the hard limit itself went up.
            assertThat(r.after()).isEqualTo(new FdLimit.Limits(r.wanted(), r.wanted()));
            assertThat(r.enough()).isTrue();
        } else {
            assertThat(r.after()).isEqualTo(new FdLimit.Limits(512, 512));
            assertThat(r.raised()).isTrue();
            assertThat(r.enough()).isFalse();
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void neverLowersALimitThatIsHighEnough() throws IOException {
        long pid = stranger(3000, 4096);
        FdLimit.ServerLimits r = FdLimit.raiseServer(pid, 1000);
        assertThat(r.after()).isEqualTo(new FdLimit.Limits(3000, 4096));
        assertThat(r.raised()).isFalse();
        assertThat(FdLimit.raiseServer(Long.MAX_VALUE / 2, 10).after()).isNull();
    }

    /** A process standing in for a server, with the given open-files limits. */
    private long stranger(long soft, long hard) throws IOException {
        FdLimit.Limits own = FdLimit.current();
        Assumptions.assumeTrue(own != null && own.hard() >= hard, "this process's hard open-files limit is below " + hard);
        server = new ProcessBuilder("sleep", "60").start();
        long pid = server.pid();
        assertThat(Linux.setOpenFilesLimit(pid, soft, hard)).as("prlimit on a child").isTrue();
        assertThat(FdLimit.of(Long.toString(pid))).isEqualTo(new FdLimit.Limits(soft, hard));
        return pid;
    }
}
