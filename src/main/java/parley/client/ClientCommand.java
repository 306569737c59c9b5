package parley.client;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import parley.options.Address;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import parley.tls.Tls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parley client [ADDRESS]}: the terminal chat client. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = {"Chat from the terminal. Commands, one per line on standard input:",
                "  join GROUP              become a member of GROUP (created on first use)",
                "  post GROUP MESSAGE...   send MESSAGE to every member of GROUP",
                "  nick NAME               say Hello as NAME: messages then show who posted them",
                "  leave GROUP             stop being a member of GROUP",
                "  list                    the groups and their member counts (a line per page of 100)",
                "  who GROUP               the names of GROUP's members (a line per page of 100)",
                "  history GROUP N         the last N messages of GROUP",
                "Moderation (signed in; docs/moderation.md says who may do what):",
                "  info GROUP              GROUP's owner, operators, topic, modes and member count",
                "  topic GROUP TEXT...     set GROUP's topic (no text clears it)",
                "  kick GROUP NAME [REASON...]             put NAME's connections out of GROUP",
                "  ban GROUP NAME [for DURATION] [REASON...]   keep NAME out (for 10m, 24h, 7d, ...; else for good)",
                "  unban GROUP NAME, mute GROUP NAME [for DURATION], unmute GROUP NAME",
                "  op GROUP NAME, deop GROUP NAME, owner GROUP NAME (hand it over), drop GROUP (delete it)",
                "  mode GROUP [+|-]invite_only [+|-]moderated [+|-]private",
                "  invite GROUP NAME       let NAME join an invite-only GROUP",
                "  suspend NAME DURATION   (server admins) close NAME's connections, refuse its sign-ins",
                "Replies print as 'message posted to GROUP: MESSAGE' and 'error from server: TEXT'.",
                "On a terminal: line editing, command history (arrow keys), a colour per group, each",
                "message's time, join/leave confirmed, history under '--- earlier messages ---', Tab completes",
                "groups and names.",
                "After nick, posts carry ids; a reconnection resends those the server has not acknowledged.",
                "End of input (Ctrl-D) closes the connection and exits 0."})
public final class ClientCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..*", paramLabel = "ADDRESS", split = ",",
            description = {"server HOST:PORT or PORT (default: ${DEFAULT-VALUE}). Several (comma-separated or "
                    + "repeated), the nodes of a cluster: the client uses the first that answers and, when its "
                    + "connection ends, moves to the next, says Hello and joins again and fetches what it missed"},
            defaultValue = "127.0.0.1:7878")
    java.util.List<String> addresses;

    @Option(names = "--linger", paramLabel = "DURATION",
            description = "after end of input, how long to wait for the server's last replies (default: 2s)",
            converter = parley.options.DurationConverter.class)
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
        java.util.List<InetSocketAddress> targets = new java.util.ArrayList<>();
        try {
            for (String a : addresses) {
                if (!a.isBlank()) targets.add(Address.parse(a, "127.0.0.1"));
            }
        } catch (IllegalArgumentException e) {
            err.println("parley client: " + e.getMessage());
            return 2;
        }
        if (targets.isEmpty()) targets.add(Address.parse("127.0.0.1:7878", "127.0.0.1"));
        ClientSecurity security;
        try {
            security = security();
        } catch (IOException | GeneralSecurityException e) {
            err.println("parley client: TLS: " + e.getMessage());
            return 2;
        }
        InetSocketAddress target = targets.getFirst();
        if (!onTerminal()) {
            return ChatClient.run(targets, security, in, out, err, linger);
        }
        JLineConsole console;
        try {
            console = JLineConsole.system();
        } catch (IOException | RuntimeException e) {
            err.println("parley client: no line editing (" + e.getMessage() + ")");
            return ChatClient.run(targets, security, in, out, err, linger);
        }
        try (console) {
            console.note("parley: " + target.getHostString() + ":" + target.getPort() + "; Ctrl-D quits");
            console.note(CommandParser.USAGE);
            return ChatClient.run(targets, security, console, linger);
        }
    }

    /** Both standard input and output are a terminal: a person is typing, not a script. */
    private static boolean onTerminal() {
        return System.console() != null && System.console().isTerminal();
    }

    private ClientSecurity security() throws IOException, GeneralSecurityException {
        String t = token == null || token.isBlank() ? null : token.strip();
        if (!tls && tlsCa == null && !tlsInsecure) return new ClientSecurity(null, false, t);
        return new ClientSecurity(Tls.client(tlsCa, tlsInsecure), !tlsInsecure, t, tlsCa != null);
    }
}
