package parley.client;

import java.io.IOError;
import java.io.IOException;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.completer.ArgumentCompleter;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import parley.protocol.FromServer;

/**
 * The console on a terminal: a JLine line editor (editing keys, in-session history with the
 * arrow keys, Tab completes a command), with every reply printed above the prompt so incoming
 * messages never garble the line being typed. Ctrl-D or Ctrl-C ends the input.
 */
final class JLineConsole implements Console {
    static final String PROMPT = "> ";
    private static final String[] COMMANDS = {"join", "post", "nick", "leave", "list", "who", "history"};

    private final Terminal terminal;
    private final LineReader reader;

    JLineConsole(Terminal terminal) {
        this.terminal = terminal;
        // Lines are chat text, not shell words: no quoting, no escapes, no !-history expansion.
        DefaultParser parser = new DefaultParser();
        parser.setQuoteChars(new char[0]);
        parser.setEscapeChars(new char[0]);
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("parley")
                .parser(parser)
                .completer(new ArgumentCompleter(new StringsCompleter(COMMANDS), NullCompleter.INSTANCE))
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_IGNORE_SPACE, false)
                .build();
    }

    /** The console on the process's terminal. */
    static JLineConsole system() throws IOException {
        return new JLineConsole(TerminalBuilder.builder().system(true).name("parley").build());
    }

    @Override
    public String readLine() {
        try {
            return reader.readLine(PROMPT);
        } catch (EndOfFileException | UserInterruptException e) {
            return null;
        } catch (IOError | RuntimeException e) {
            return null; // the terminal went away, or was closed while the session ends
        }
    }

    @Override
    public void show(FromServer packet) {
        reader.printAbove(TerminalFormat.format(packet));
    }

    @Override
    public void note(String text) {
        reader.printAbove(TerminalFormat.note(text));
    }

    @Override
    public void close() {
        try {
            if (reader.isReading()) terminal.writer().println(); // leave the unfinished line as it is
            terminal.writer().flush();
            terminal.close();
        } catch (IOException ignored) {
            // the terminal is gone; nothing to restore
        }
    }
}
