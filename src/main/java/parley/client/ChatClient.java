package parley.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import parley.protocol.Codec;
import parley.protocol.LineReader;
import parley.protocol.ProtocolException;

/**
 * The book's client: commands in, replies out, as {@code message posted to GROUP: MESSAGE} and
 * {@code error from server: TEXT}. Where the commands come from and how replies are shown is the
 * {@link Console}'s business: plain streams when piped, a line editor on a terminal; the session
 * logic here is the same for both.
 *
 * <p>End of input half-closes the connection and waits (at most {@code linger}) for the server to
 * send what it still owes, then exits 0. If the server closes first, the client says so on the
 * error stream and exits 1.
 */
public final class ChatClient {
    /** Replies are never longer than a request line plus framing; this is generous and still bounded. */
    private static final int MAX_REPLY_BYTES = 64 << 20;

    private final SocketChannel socket;
    private final Console console;
    private final Duration linger;
    private final CompletableFuture<Integer> outcome = new CompletableFuture<>();
    private volatile boolean inputDone;

    private ChatClient(SocketChannel socket, Console console, Duration linger) {
        this.socket = socket;
        this.console = console;
        this.linger = linger;
    }

    /**
     * Connects, runs the session with commands from {@code in}, replies on {@code out} and
     * everything else on {@code err}, and returns the exit code.
     */
    public static int run(InetSocketAddress address, BufferedReader in, PrintStream out, PrintStream err,
                          Duration linger) {
        try (PlainConsole console = new PlainConsole(in, out, err)) {
            return run(address, console, linger);
        }
    }

    /** Connects, runs the session on {@code console}, and returns the exit code. */
    static int run(InetSocketAddress address, Console console, Duration linger) {
        SocketChannel socket;
        try {
            socket = SocketChannel.open();
            socket.socket().connect(address, 10_000);
        } catch (IOException e) {
            console.note("parley client: cannot connect to " + address.getHostString() + ":" + address.getPort()
                    + ": " + e.getMessage());
            return 1;
        }
        ChatClient client = new ChatClient(socket, console, linger);
        return client.session();
    }

    private int session() {
        Thread replies = Thread.ofPlatform().daemon().name("parley-replies").start(this::printReplies);
        Thread commands = Thread.ofPlatform().daemon().name("parley-commands").start(this::sendCommands);
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (ExecutionException e) {
            console.note("parley client: " + e.getCause());
            return 1;
        } finally {
            close();
            commands.interrupt();
            replies.interrupt();
        }
    }

    private void sendCommands() {
        try {
            String line;
            while ((line = console.readLine()) != null && !outcome.isDone()) {
                switch (CommandParser.parse(line)) {
                    case Command.Send s -> write(Codec.encode(s.request()));
                    case Command.Invalid i -> console.note(i.hint());
                    case Command.Blank b -> { }
                }
            }
            inputDone = true;
            socket.shutdownOutput();
            waitForServerToFinish();
        } catch (IOException e) {
            if (!outcome.isDone()) {
                console.note("parley client: connection lost: " + e.getMessage());
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
            LineReader lines = new LineReader(socket, 4096, MAX_REPLY_BYTES);
            while (lines.next()) {
                if (lines.lineIsBlank()) continue;
                try {
                    console.show(Codec.decodeReply(lines.array(), lines.lineStart(), lines.lineLength()));
                } catch (ProtocolException e) {
                    console.note("parley client: unreadable reply from server: " + e.getMessage());
                }
            }
            serverClosed();
        } catch (IOException | RuntimeException e) {
            if (!outcome.isDone()) {
                console.note("parley client: connection lost: " + e.getMessage());
                outcome.complete(1);
            }
        }
    }

    private void serverClosed() {
        if (inputDone) {
            outcome.complete(0);
        } else if (!outcome.isDone()) {
            console.note("parley client: the server closed the connection");
            outcome.complete(1);
        }
    }

    private void write(byte[] line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(line);
        while (b.hasRemaining()) {
            socket.write(b);
        }
    }

    private void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // exiting anyway
        }
    }
}
