package parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.store.SqliteStore;
import parley.store.StoreOptions;
import picocli.CommandLine;

/** The store's settings as the command line reads them, and {@code parley backup}. */
class StoreOptionsTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private CommandLine main() {
        CommandLine m = Main.commandLine();
        m.setErr(new PrintWriter(err, true));
        m.setOut(new PrintWriter(out, true));
        return m;
    }

    @Test
    void retainMessagesBelowTheGroupCapacityIsRefusedNamingTheSetting() {
        assertThat(main().execute("server", "--group-capacity", "500", "--retain-messages", "100",
                "--data", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("retain-messages must be at least the group capacity (500), got 100");
        assertThat(dir).isEmptyDirectory(); // refused before the store was opened
    }

    @Test
    void aBadSyncOrAgeIsRefused() {
        assertThat(main().execute("server", "--sync", "sometimes")).isEqualTo(2);
        assertThat(err.toString()).contains("--sync: 'sometimes' is not normal or full");
        assertThat(main().execute("server", "--retain-age", "forever")).isEqualTo(2);
        assertThat(err.toString()).contains("--retain-age: 'forever' is not a duration");
    }

    @Test
    void theOptionsBecomeTheStoresOptions() {
        CommandLine cl = main();
        ServerCommand cmd = cl.getSubcommands().get("server").getCommand();
        cl.parseArgs("server", "--data", dir.toString(), "--sync", "full", "--retain-age", "12h",
                "--retain-messages", "5000", "--retain-bytes", "2g", "--max-connections", "300");
        StoreOptions o = cmd.storeOptions(cmd.settings());
        assertThat(o.dir()).isEqualTo(dir);
        assertThat(o.sync()).isEqualTo(StoreOptions.Sync.FULL);
        assertThat(o.retainAge()).isEqualTo(java.time.Duration.ofHours(12));
        assertThat(o.retainMessages()).isEqualTo(5000);
        assertThat(o.retainBytes()).isEqualTo(2L << 30);
        assertThat(o.seqJump()).isEqualTo(StoreOptions.DEFAULT_QUEUE_CAPACITY + StoreOptions.DEFAULT_MAX_BATCH + 300);

        CommandLine none = main();
        ServerCommand noStore = none.getSubcommands().get("server").getCommand();
        none.parseArgs("server", "--data", "none");
        assertThat(noStore.storeOptions(noStore.settings())).isNull();
    }

    @Test
    void theDefaultsAreParleyDataAndThirtyDays() {
        CommandLine cl = main();
        ServerCommand cmd = cl.getSubcommands().get("server").getCommand();
        cl.parseArgs("server");
        StoreOptions o = cmd.storeOptions(cmd.settings());
        assertThat(o.dir()).isEqualTo(Path.of("parley-data"));
        assertThat(o.sync()).isEqualTo(StoreOptions.Sync.NORMAL);
        assertThat(o.retainAge()).isEqualTo(java.time.Duration.ofDays(30));
        assertThat(o.retainMessages()).isEqualTo(100_000);
        assertThat(o.retainBytes()).isEqualTo(1L << 30);
    }

    @Test
    void backupCopiesTheStore() throws Exception {
        Path data = dir.resolve("data");
        try (SqliteStore s = SqliteStore.open(StoreOptions.defaults(data, 10))) {
            s.append("g", 1, 1, "ann", "hello", null, null);
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            s.afterQueued(new parley.server.Store.Ack() {
                @Override public void stored() { done.countDown(); }
                @Override public void failed(String why) { done.countDown(); }
            });
            done.await();
            Path copy = dir.resolve("copy.db");
            assertThat(main().execute("backup", "--data", data.toString(), copy.toString())).as(err.toString()).isZero();
            assertThat(out.toString()).startsWith("parley backup: wrote " + copy).contains("1 messages in 1 groups");
            assertThat(Files.size(copy)).isPositive();
            assertThat(main().execute("backup", "--data", data.toString(), copy.toString())).isEqualTo(1);
            assertThat(err.toString()).contains("already exists");
        }
        assertThat(main().execute("backup", "--data", dir.resolve("nothing").toString(), dir.resolve("x.db").toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("no store at");
    }
}
