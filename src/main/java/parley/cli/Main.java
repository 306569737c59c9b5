package parley.cli;

import parley.bench.BenchCommand;
import parley.client.ClientCommand;
import parley.hostile.HostileCommand;
import parley.soak.SoakCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code parley} command: one executable, a subcommand per role. */
@Command(name = "parley",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Group chat and pub/sub over newline-delimited JSON, wire-compatible with "
                + "Programming Rust's async-chat.",
        subcommands = {ServerCommand.class, BackupCommand.class, AccountsCommand.class, ClientCommand.class, BenchCommand.class, SoakCommand.class,
                HostileCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "The launcher also runs the test suite: ./parley test"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine server = ServerCommand.configure(cl.getSubcommands().get("server"));
        // execute() asks the top command's handler, whichever subcommand failed: the server's
        // errors go to its own, which names the setting and its source and prints no usage.
        // (Setting the top's handler sets every subcommand's too, so the server's is taken first.)
        CommandLine.IParameterExceptionHandler standard = cl.getParameterExceptionHandler();
        CommandLine.IParameterExceptionHandler serverHandler = server.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((e, args) -> (e.getCommandLine() == server ? serverHandler : standard)
                .handleParseException(e, args));
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    public static String version() {
        return parley.server.Version.current();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"parley " + version()};
        }
    }
}
