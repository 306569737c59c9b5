package parley.client;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.Callable;
import parley.Address;
import parley.tls.Tls;
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

    @Option(names = "--tls", description = "connect over TLS (1.3), trusting the JDK's CAs unless --tls-ca is given")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "PEM certificate(s) to trust: the server's CA, or its self-signed certificate (implies --tls)")
    Path tlsCa;

    @Option(names = "--tls-insecure",
            description = "TLS without checking the server's certificate or name: for testing only (implies --tls)")
    boolean tlsInsecure;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:PARLEY_TOKEN}",
            description = "authenticate with this token first; better set as PARLEY_TOKEN, since command lines "
                    + "are visible to other users")
    String token;

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
            return ChatClient.run(target, security(), in, out, err, linger);
        } catch (IllegalArgumentException e) {
            err.println("parley client: " + e.getMessage());
            return 2;
        } catch (IOException | GeneralSecurityException e) {
            err.println("parley client: TLS: " + e.getMessage());
            return 2;
        }
    }

    private ClientSecurity security() throws IOException, GeneralSecurityException {
        String t = token == null || token.isBlank() ? null : token.strip();
        if (!tls && tlsCa == null && !tlsInsecure) return new ClientSecurity(null, false, t);
        return new ClientSecurity(Tls.client(tlsCa, tlsInsecure), !tlsInsecure, t);
    }
}
