package parley.client;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import parley.Address;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parley client [ADDRESS]}: the terminal chat client. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = {"Chat from the terminal. Commands, one per line on standard input:",
                "  join GROUP              become a member of GROUP (created on first use)",
                "  post GROUP MESSAGE...   send MESSAGE to every member of GROUP",
                "Replies print as 'message posted to GROUP: MESSAGE' and 'error from server: TEXT'.",
                "End of input (Ctrl-D) closes the connection and exits 0."})
public final class ClientCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "ADDRESS",
            description = "server HOST:PORT or PORT (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1:7878")
    String address;

    @Option(names = "--linger", paramLabel = "DURATION",
            description = "after end of input, how long to wait for the server's last replies (default: 2s)",
            converter = parley.server.DurationConverter.class)
    Duration linger = Duration.ofSeconds(2);

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(new FileInputStream(FileDescriptor.in),
                StandardCharsets.UTF_8));
        try {
            var target = Address.parse(address, "127.0.0.1");
            if (System.console() != null && System.console().isTerminal()) {
                err.println("Commands:\n  join GROUP\n  post GROUP MESSAGE...\nType Control-D to close the connection.");
            }
            return ChatClient.run(target, in, out, err, linger);
        } catch (IllegalArgumentException e) {
            err.println("parley client: " + e.getMessage());
            return 2;
        }
    }
}
