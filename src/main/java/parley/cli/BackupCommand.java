package parley.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import parley.store.Backup;
import parley.store.StoreException;
import parley.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code parley backup [--data DIR] FILE}: a consistent copy of the store while the server runs
 * (SQLite's {@code VACUUM INTO} on a read-only connection: one snapshot, written to a new file).
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Copy the message store to FILE, consistently, while the server runs (or not).")
public final class BackupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:PARLEY_DATA:-" + StoreOptions.DEFAULT_DIR + "}",
            description = "the server's data directory (default: $PARLEY_DATA, else " + StoreOptions.DEFAULT_DIR + ")")
    Path data;

    @Parameters(index = "0", paramLabel = "FILE", description = "the copy to write; must not exist")
    Path target;

    @Override
    public Integer call() {
        try {
            Backup.Result r = Backup.copy(data, target);
            spec.commandLine().getOut().println("parley backup: wrote " + r.file() + " (" + r.bytes() + " bytes, "
                    + r.messages() + " messages in " + r.groups() + " groups, epoch " + r.epoch() + ")");
            return 0;
        } catch (StoreException e) {
            spec.commandLine().getErr().println("parley backup: " + e.getMessage());
            return 1;
        } catch (java.sql.SQLException e) {
            spec.commandLine().getErr().println("parley backup: cannot copy " + data + ": " + e.getMessage());
            return 1;
        }
    }
}
