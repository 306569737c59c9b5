package parley.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.LineReader;
import parley.protocol.ProtocolException;

/**
 * The book's client: commands from one stream, replies printed to another, as
 * {@code message posted to GROUP: MESSAGE} and {@code error from server: TEXT}.
 *
 * <p>End of input half-closes the connection and waits (at most {@code linger}) for the server to
 * send what it still owes, then exits 0. If the server closes first, the client says so on the
 * error stream and exits 1.
 *
 * <p>Over TLS and with a token ({@link ClientSecurity}) the same holds; the token goes first, as
 * an Auth request, before any command.
 */
public final class ChatClient {
    /** Replies are never longer than a request line plus framing; this is generous and still bounded. */
    private static final int MAX_REPLY_BYTES = 64 << 20;

    private final ClientLink socket;
    private final PrintStream out;
    private final PrintStream err;
    private final Duration linger;
    private final CompletableFuture<Integer> outcome = new CompletableFuture<>();
    private volatile boolean inputDone;

    private ChatClient(ClientLink socket, PrintStream out, PrintStream err, Duration linger) {
        this.socket = socket;
        this.out = out;
        this.err = err;
        this.linger = linger;
    }

    /** Connects, runs the session, and returns the exit code. */
    public static int run(InetSocketAddress address, BufferedReader in, PrintStream out, PrintStream err,
                          Duration linger) {
        return run(address, ClientSecurity.NONE, in, out, err, linger);
    }

    /** Connects (over TLS and with a token, as {@code security} says), runs the session, and returns the exit code. */
    public static int run(InetSocketAddress address, ClientSecurity security, BufferedReader in, PrintStream out,
                          PrintStream err, Duration linger) {
        ClientLink socket;
        try {
            socket = ClientLink.open(address, security);
        } catch (IOException e) {
            err.println("parley client: cannot connect to " + address.getHostString() + ":" + address.getPort()
                    + ": " + e.getMessage());
            return 1;
        }
        ChatClient client = new ChatClient(socket, out, err, linger);
        if (security.token() != null) {
            try {
                socket.write(Codec.encode(new FromClient.Auth(security.token())));
            } catch (IOException e) {
                err.println("parley client: connection lost: " + e.getMessage());
                socket.close();
                return 1;
            }
        }
        return client.session(in);
    }

    private int session(BufferedReader in) {
        Thread replies = Thread.ofPlatform().daemon().name("parley-replies").start(this::printReplies);
        Thread commands = Thread.ofPlatform().daemon().name("parley-commands").start(() -> sendCommands(in));
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (ExecutionException e) {
            err.println("parley client: " + e.getCause());
            return 1;
        } finally {
            close();
            commands.interrupt();
            replies.interrupt();
        }
    }

    private void sendCommands(BufferedReader in) {
        try {
            String line;
            while ((line = in.readLine()) != null && !outcome.isDone()) {
                switch (CommandParser.parse(line)) {
                    case Command.Send s -> write(Codec.encode(s.request()));
                    case Command.Invalid i -> err.println(i.hint());
                    case Command.Blank b -> { }
                }
            }
            inputDone = true;
            socket.shutdownOutput();
            waitForServerToFinish();
        } catch (IOException e) {
            if (!outcome.isDone()) {
                err.println("parley client: connection lost: " + e.getMessage());
                outcome.complete(1);
            }
        }
    }

    /** After our end of input the server should flush and close; if it does not, stop waiting. */
    private void waitForServerToFinish() {
        try {
            outcome.get(linger.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            outcome.complete(0);
        } catch (InterruptedException | ExecutionException e) {
            outcome.complete(0);
        }
    }

    private void printReplies() {
        try {
            LineReader lines = new LineReader(socket.in(), 4096, MAX_REPLY_BYTES);
            while (lines.next()) {
                if (lines.lineIsBlank()) continue;
                try {
                    out.println(ReplyFormat.format(Codec.decodeReply(lines.array(), lines.lineStart(), lines.lineLength())));
                } catch (ProtocolException e) {
                    err.println("parley client: unreadable reply from server: " + e.getMessage());
                }
            }
            serverClosed();
        } catch (IOException | RuntimeException e) {
            if (!outcome.isDone()) {
                err.println("parley client: connection lost: " + e.getMessage());
                outcome.complete(1);
            }
        }
    }

    private void serverClosed() {
        out.flush();
        if (inputDone) {
            outcome.complete(0);
        } else if (!outcome.isDone()) {
            err.println("parley client: the server closed the connection");
            outcome.complete(1);
        }
    }

    private void write(byte[] line) throws IOException {
        socket.write(line);
    }

    private void close() {
        socket.close();
    }
}
