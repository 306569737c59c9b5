package parley.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import parley.protocol.FromServer;

/**
 * The piped console: commands from a reader, replies on {@code out} as the book's client prints
 * them ({@link ReplyFormat}), everything else on {@code err}. Standard output carries only the
 * reply lines, so scripts can read it.
 */
final class PlainConsole implements Console {
    private final BufferedReader in;
    private final PrintStream out;
    private final PrintStream err;

    PlainConsole(BufferedReader in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    @Override
    public String readLine() throws IOException {
        return in.readLine();
    }

    @Override
    public void show(FromServer packet) {
        out.println(ReplyFormat.format(packet));
    }

    @Override
    public void note(String text) {
        err.println(text);
    }

    @Override
    public void close() {
        out.flush();
        err.flush();
    }
}
