package parley.client;

import java.io.IOError;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.reader.Candidate;
import org.jline.reader.Reference;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import parley.protocol.FromServer;

/**
 * The console on a terminal: a JLine line editor (editing keys, in-session history with the
 * arrow keys, Tab completes a command, a group name or a member name: {@link Completion}), with
 * every reply printed above the prompt so incoming messages never garble the line being typed.
 * Messages show their local time ({@link TerminalFormat}): the one they carry, or else the time
 * they arrived. Each run of earlier messages (answers to {@code history}) starts with a
 * {@code --- earlier messages ---} line, besides being dimmed: on a terminal without attributes
 * (a dumb one) dimming shows nothing. Anything else shown ends the run, so a live message after
 * history is not taken for part of it. Ctrl-D or Ctrl-C ends the input; when the session ends
 * while a line is being edited, the prompt is taken away, not left behind.
 */
final class JLineConsole implements Console {
    static final String PROMPT = "> ";

    private final Terminal terminal;
    private final LineReader reader;
    private final ZoneId zone;
    private final Clock clock;
    private final Completion completion = new Completion();
    /** The last line shown was an earlier message: the next one continues the run, without a marker. */
    private final AtomicBoolean inEarlierRun = new AtomicBoolean();

    JLineConsole(Terminal terminal) {
        this(terminal, ZoneId.systemDefault(), Clock.systemUTC());
    }

    /** {@code clock} gives the arrival time of a message that does not carry its own. */
    JLineConsole(Terminal terminal, ZoneId zone, Clock clock) {
        this.terminal = terminal;
        this.zone = zone;
        this.clock = clock;
        // Lines are chat text, not shell words: no quoting, no escapes, no !-history expansion.
        DefaultParser parser = new DefaultParser();
        parser.setQuoteChars(new char[0]);
        parser.setEscapeChars(new char[0]);
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("parley")
                .parser(parser)
                .completer((r, line, candidates) -> {
                    for (String c : completion.candidates(line.words(), line.wordIndex())) candidates.add(new Candidate(c));
                })
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_IGNORE_SPACE, false)
                .build();
        // On a dumb terminal JLine's keys all insert themselves; Tab still completes here, as it
        // does elsewhere (the completion is typed in; several candidates are listed as lines).
        reader.getKeyMaps().get(LineReader.DUMB).bind(new Reference(LineReader.COMPLETE_WORD), "\t");
    }

    /** The console on the process's terminal. */
    static JLineConsole system() throws IOException {
        return new JLineConsole(TerminalBuilder.builder().system(true).name("parley").build());
    }

    @Override
    public String readLine() {
        try {
            String line = reader.readLine(PROMPT);
            completion.typed(line);
            return line;
        } catch (EndOfFileException | UserInterruptException e) {
            return null;
        } catch (IOError | RuntimeException e) {
            return null; // the terminal went away, or was closed while the session ends
        }
    }

    @Override
    public String readPassword(String prompt) {
        try {
            // Mask character 0: nothing at all is echoed, not even stars.
            return reader.readLine(prompt, (char) 0);
        } catch (EndOfFileException | UserInterruptException e) {
            return null;
        } catch (IOError | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void show(FromServer packet) {
        completion.learn(packet);
        inEarlierRun.set(false);
        reader.printAbove(TerminalFormat.format(packet, zone, clock.millis()));
    }

    @Override
    public void showEarlier(FromServer.Message m) {
        completion.learn(m);
        if (inEarlierRun.compareAndSet(false, true)) reader.printAbove(TerminalFormat.earlierMarker());
        reader.printAbove(TerminalFormat.earlier(m, zone));
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public void note(String text) {
        inEarlierRun.set(false);
        reader.printAbove(TerminalFormat.note(text));
    }

    /**
     * The session ended while a line was being edited (the server closed): the closing note is
     * above the prompt already, so the editor is stopped as Ctrl-C would (from its own thread, so
     * it does not redraw afterwards) with its line erased rather than left as a dead prompt.
     */
    private void finishUnderThePrompt() {
        reader.setOpt(LineReader.Option.ERASE_LINE_ON_FINISH);
        terminal.raise(Terminal.Signal.INT);
        long deadline = System.nanoTime() + 1_000_000_000L;
        try {
            while (reader.isReading() && System.nanoTime() < deadline) Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // exiting anyway
        }
    }

    @Override
    public void close() {
        try {
            if (reader.isReading()) finishUnderThePrompt();
            terminal.writer().flush();
            terminal.close();
        } catch (IOException ignored) {
            // the terminal is gone; nothing to restore
        }
    }
}
