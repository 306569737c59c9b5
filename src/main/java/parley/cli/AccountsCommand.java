package parley.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import parley.accounts.AccountBook;
import parley.accounts.HashPool;
import parley.accounts.PasswordHasher;
import parley.server.PasswordRules;
import parley.server.ServerConfig;
import parley.store.SqliteStore;
import parley.store.StoreException;
import parley.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code parley accounts add NAME}: makes an account in the store, for {@code --registration
 * closed}; {@code parley accounts admin NAME} makes an account a server admin (docs/moderation.md),
 * {@code --remove} undoes it. The password is asked for on a terminal (twice, without echo) or read from the first
 * line of standard input when piped, so it never appears on a command line.
 */
@Command(name = "accounts", mixinStandardHelpOptions = true,
        description = "Manage accounts in the store (run with the server stopped: the store is locked while it runs).",
        subcommands = {AccountsCommand.Add.class, AccountsCommand.Admin.class})
public final class AccountsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add an account NAME; the password comes from the terminal, or from standard input's first line.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:PARLEY_DATA:-" + StoreOptions.DEFAULT_DIR + "}",
                description = "the server's data directory (default: $PARLEY_DATA, else " + StoreOptions.DEFAULT_DIR + ")")
        Path data;

        @Parameters(index = "0", paramLabel = "NAME", description = "the account's name (the rules of Hello names)")
        String name;

        @Override
        public Integer call() throws IOException {
            var err = spec.commandLine().getErr();
            if (name.isEmpty() || name.length() > ServerConfig.defaults().maxNameChars()
                    || !name.matches("[A-Za-z0-9_.-]+")) {
                err.println("parley accounts: invalid name '" + name + "': use 1 to " + ServerConfig.defaults().maxNameChars()
                        + " of the characters A-Z a-z 0-9 _ - .");
                return 2;
            }
            String password = readPassword(err);
            if (password == null) return 2;
            String weak = PasswordRules.check(password);
            if (weak != null) {
                err.println("parley accounts: " + weak);
                return 2;
            }
            try (SqliteStore store = SqliteStore.open(StoreOptions.defaults(data, 1));
                 AccountBook book = new AccountBook(store.accounts(), new PasswordHasher(PasswordHasher.Params.DEFAULT),
                         new HashPool(1, 1))) {
                if (!book.add(name, password)) {
                    err.println("parley accounts: '" + name + "' is already registered");
                    return 1;
                }
            } catch (StoreException e) {
                err.println("parley accounts: " + e.getMessage());
                return 1;
            }
            spec.commandLine().getOut().println("parley accounts: added '" + name + "'");
            return 0;
        }

        /** From the terminal, asked twice without echo; else standard input's first line. Null if none. */
        private String readPassword(java.io.PrintWriter err) throws IOException {
            Console console = System.console();
            if (console != null && console.isTerminal()) {
                char[] first = console.readPassword("Password for %s: ", name);
                char[] again = console.readPassword("Again: ");
                if (first == null || !Arrays.equals(first, again)) {
                    err.println("parley accounts: the passwords differ");
                    return null;
                }
                return new String(first);
            }
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                err.println("parley accounts: no password on standard input");
                return null;
            }
            return line;
        }
    }

    @Command(name = "admin", mixinStandardHelpOptions = true,
            description = "Make the account NAME a server admin (stored; --admins names more at start), or --remove it.")
    static final class Admin implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:PARLEY_DATA:-" + StoreOptions.DEFAULT_DIR + "}",
                description = "the server's data directory (default: $PARLEY_DATA, else " + StoreOptions.DEFAULT_DIR + ")")
        Path data;

        @Option(names = "--remove", description = "take the admin flag away instead")
        boolean remove;

        @Parameters(index = "0", paramLabel = "NAME", description = "the account's name")
        String name;

        @Override
        public Integer call() {
            var err = spec.commandLine().getErr();
            try (SqliteStore store = SqliteStore.open(StoreOptions.defaults(data, 1))) {
                if (store.accounts().find(name).isEmpty()) {
                    err.println("parley accounts: no account named '" + name + "'");
                    return 1;
                }
                store.moderation().setAdmin(name, !remove);
            } catch (StoreException e) {
                err.println("parley accounts: " + e.getMessage());
                return 1;
            }
            spec.commandLine().getOut().println("parley accounts: '" + name + "' is " + (remove ? "no longer" : "now")
                    + " a server admin");
            return 0;
        }
    }
}
