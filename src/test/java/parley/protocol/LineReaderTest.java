package parley.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import parley.budget.MemoryBudget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("LineReader")
class LineReaderTest {

    // ------------------------------------------------------------------ test channels

    /** Hands out {@code data} in reads whose sizes come from {@code chunks}, then end of stream. */
    static final class ChunkedChannel implements ReadableByteChannel {
        private final byte[] data;
        private final IntSupplier chunks;
        private int pos;
        private int reads;
        private boolean open = true;

        ChunkedChannel(byte[] data, IntSupplier chunks) {
            this.data = data;
            this.chunks = chunks;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!open) throw new ClosedChannelException();
            reads++;
            if (pos == data.length) return -1;
            int n = Math.min(Math.min(Math.max(1, chunks.getAsInt()), dst.remaining()), data.length - pos);
            dst.put(data, pos, n);
            pos += n;
            return n;
        }

        int delivered() {
            return pos;
        }

        int reads() {
            return reads;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** Hands out each queued chunk in as few reads as the buffer allows; end of stream when empty. */
    static final class ScriptedChannel implements ReadableByteChannel {
        private final Deque<ByteBuffer> chunks = new ArrayDeque<>();

        ScriptedChannel(byte[]... parts) {
            for (byte[] p : parts) chunks.add(ByteBuffer.wrap(p));
        }

        @Override
        public int read(ByteBuffer dst) {
            ByteBuffer head = chunks.peek();
            if (head == null) return -1;
            int n = Math.min(head.remaining(), dst.remaining());
            dst.put(dst.position(), head, head.position(), n);
            dst.position(dst.position() + n);
            head.position(head.position() + n);
            if (!head.hasRemaining()) chunks.poll();
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    /** An endless stream of one byte, counting what it hands out (bounded by the reader, not by us). */
    static final class EndlessChannel implements ReadableByteChannel {
        private final byte fill;
        private final long cap;
        private long delivered;

        EndlessChannel(byte fill, long cap) {
            this.fill = fill;
            this.cap = cap;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (delivered >= cap) return -1; // safety net: a correct reader stops long before this
            int n = (int) Math.min(dst.remaining(), cap - delivered);
            for (int i = 0; i < n; i++) dst.put(fill);
            delivered += n;
            return n;
        }

        long delivered() {
            return delivered;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    // ------------------------------------------------------------------ helpers

    private static IntSupplier oneByte() {
        return () -> 1;
    }

    private static IntSupplier whole() {
        return () -> Integer.MAX_VALUE;
    }

    private static IntSupplier random(long seed, int max) {
        Random r = new Random(seed);
        return () -> 1 + r.nextInt(max);
    }

    static Stream<Arguments> chunkings() {
        return Stream.of(
                Arguments.of("1-byte reads", oneByte()),
                Arguments.of("2-byte reads", (IntSupplier) () -> 2),
                Arguments.of("7-byte reads", (IntSupplier) () -> 7),
                Arguments.of("random reads", random(42, 50)),
                Arguments.of("whole reads", whole()));
    }

    private static String current(LineReader r) {
        return new String(r.array(), r.lineStart(), r.lineLength(), UTF_8);
    }

    private static List<String> readAll(LineReader r) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int guard = 0; r.next(); guard++) {
            assertThat(guard).as("reader must end").isLessThan(1_000_000);
            lines.add(current(r));
        }
        return lines;
    }

    private static LineReader reader(String input, IntSupplier chunks, int initial, int limit) {
        return new LineReader(new ChunkedChannel(input.getBytes(UTF_8), chunks), initial, limit);
    }

    private static List<String> lines(String input, IntSupplier chunks) throws IOException {
        return readAll(reader(input, chunks, 16, 1024));
    }

    // ------------------------------------------------------------------ framing

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkings")
    @DisplayName("LF-terminated lines")
    void lfLines(String label, IntSupplier chunks) throws IOException {
        assertThat(lines("a\nbb\n\nccc dd\n", chunks)).containsExactly("a", "bb", "", "ccc dd");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkings")
    @DisplayName("CRLF-terminated lines, and a mix of both")
    void crlfLines(String label, IntSupplier chunks) throws IOException {
        assertThat(lines("a\r\nbb\r\n\r\nccc\n", chunks)).containsExactly("a", "bb", "", "ccc");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkings")
    @DisplayName("only the CR directly before LF is part of the terminator")
    void lonelyCarriageReturns(String label, IntSupplier chunks) throws IOException {
        assertThat(lines("a\rb\n\r\r\nc\r\r\n", chunks)).containsExactly("a\rb", "\r", "c\r");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkings")
    @DisplayName("a final unterminated line is still a line")
    void finalUnterminatedLine(String label, IntSupplier chunks) throws IOException {
        assertThat(lines("first\nlast", chunks)).containsExactly("first", "last");
        assertThat(lines("only", chunks)).containsExactly("only");
    }

    @Test
    @DisplayName("empty input has no lines, and end of stream is sticky")
    void emptyInput() throws IOException {
        LineReader r = reader("", whole(), 16, 1024);
        assertThat(r.next()).isFalse();
        assertThat(r.next()).isFalse();
    }

    @Test
    @DisplayName("input ending in a newline has no extra empty line")
    void noPhantomLineAfterFinalNewline() throws IOException {
        assertThat(lines("a\n", whole())).containsExactly("a");
        assertThat(lines("\n", whole())).containsExactly("");
    }

    @Test
    @DisplayName("multi-byte UTF-8 split across reads is reassembled")
    void utf8AcrossReads() throws IOException {
        assertThat(lines("héllo 日本 😀\n{\"x\":\"é\"}\n", oneByte())).containsExactly("héllo 日本 😀", "{\"x\":\"é\"}");
    }

    @Test
    @DisplayName("lineIsBlank: spaces, tabs and CRs only")
    void blankLines() throws IOException {
        LineReader r = reader("\n  \t \n\r\n \r \n x \n\u00a0\n\u000b\n", whole(), 16, 1024);
        List<Boolean> blank = new ArrayList<>();
        while (r.next()) blank.add(r.lineIsBlank());
        assertThat(blank).containsExactly(true, true, true, true, false, false, false);
    }

    @Test
    @DisplayName("many lines in one chunk are all returned from a single read")
    void manyLinesInOneChunk() throws IOException {
        StringBuilder sb = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String line = "{\"Post\":{\"group_name\":\"g\",\"message\":\"" + i + "\"}}";
            expected.add(line);
            sb.append(line).append(i % 2 == 0 ? "\n" : "\r\n");
        }
        byte[] data = sb.toString().getBytes(UTF_8);
        ChunkedChannel ch = new ChunkedChannel(data, whole());
        LineReader r = new LineReader(ch, data.length + 16, data.length);
        assertThat(readAll(r)).containsExactlyElementsOf(expected);
        assertThat(ch.reads()).as("one read for the data, one for end of stream").isEqualTo(2);
    }

    private static final String[] PIECES = {"a", "b", " ", "\t", "\r", "{", "}", "\"", "é", "日", "😀"};

    @Test
    @DisplayName("random lines with random terminators and random read sizes")
    void randomFraming() throws IOException {
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<String> expected = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            int count = rnd.nextInt(30);
            for (int i = 0; i < count; i++) {
                StringBuilder line = new StringBuilder();
                int len = rnd.nextInt(rnd.nextBoolean() ? 10 : 300);
                for (int k = 0; k < len; k++) line.append(PIECES[rnd.nextInt(PIECES.length)]);
                String s = line.toString();
                boolean last = i == count - 1;
                boolean crlf = rnd.nextBoolean();
                if (crlf && !s.isEmpty() && s.endsWith("\r")) s = s.substring(0, s.length() - 1) + "x";
                if (!crlf && s.endsWith("\r")) s = s + "x"; // a CR before LF would be taken as CRLF
                sb.append(s);
                if (last && rnd.nextInt(3) == 0 && !s.isEmpty() && !s.endsWith("\r")) {
                    // unterminated final line
                } else {
                    sb.append(crlf ? "\r\n" : "\n");
                }
                expected.add(s);
            }
            LineReader r = reader(sb.toString(), random(round, 64), 16, 4096);
            assertThat(readAll(r)).as("round %d", round).containsExactlyElementsOf(expected);
        }
    }

    // ------------------------------------------------------------------ the length limit

    private static final int LIMIT = 100;

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkings")
    @DisplayName("a line exactly at the limit is accepted, with LF, CRLF or at end of stream")
    void lineAtLimitAccepted(String label, IntSupplier chunks) throws IOException {
        String max = "x".repeat(LIMIT);
        for (String input : List.of(max + "\n", max + "\r\n", max, "a\n" + max + "\nb\n", "a\r\n" + max + "\r\nb")) {
            LineReader r = reader(input, chunks, 16, LIMIT);
            List<String> got = readAll(r);
            assertThat(got).as(input.replace("\r", "\\r").replace("\n", "\\n")).contains(max);
            assertThat(r.array().length).isLessThanOrEqualTo(LIMIT + 2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkings")
    @DisplayName("a line one byte over the limit is rejected with LineTooLongException")
    void lineOverLimitRejected(String label, IntSupplier chunks) {
        String over = "x".repeat(LIMIT + 1);
        for (String input : List.of(over + "\n", over + "\r\n", over, "ok\n" + over + "\nnext\n", over + "y".repeat(5000) + "\n")) {
            LineReader r = reader(input, chunks, 16, LIMIT);
            assertThatThrownBy(() -> readAll(r))
                    .as(input.length() > 200 ? "long" : input.replace("\r", "\\r").replace("\n", "\\n"))
                    .isInstanceOfSatisfying(LineTooLongException.class, e -> {
                        assertThat(e.limit()).isEqualTo(LIMIT);
                        assertThat(e.getMessage()).contains(Integer.toString(LIMIT));
                    });
        }
    }

    @Test
    @DisplayName("lines before an overlong one are still returned")
    void linesBeforeOverlong() throws IOException {
        LineReader r = reader("one\ntwo\n" + "x".repeat(LIMIT + 1) + "\n", oneByte(), 16, LIMIT);
        assertThat(r.next()).isTrue();
        assertThat(current(r)).isEqualTo("one");
        assertThat(r.next()).isTrue();
        assertThat(current(r)).isEqualTo("two");
        assertThatThrownBy(r::next).isInstanceOf(LineTooLongException.class);
    }

    @Test
    @DisplayName("a CR that is not followed by LF counts against the limit")
    void trailingCrWithoutLfCounts() {
        // limit+1 bytes where the last is CR, then more text: this is not a CRLF terminator.
        LineReader r = reader("x".repeat(LIMIT) + "\ry\n", oneByte(), 16, LIMIT);
        assertThatThrownBy(r::next).isInstanceOf(LineTooLongException.class);
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {14, 100, 1000, 4096, 65_536})
    @DisplayName("an endless line: the reader reads at most limit+2 bytes and its buffer never exceeds limit+2")
    void endlessLineIsBounded(int limit) {
        EndlessChannel ch = new EndlessChannel((byte) 'a', 100L * limit + 1_000_000);
        LineReader r = new LineReader(ch, 16, limit);
        assertThatThrownBy(r::next).isInstanceOfSatisfying(LineTooLongException.class, e -> assertThat(e.limit()).isEqualTo(limit));
        assertThat(ch.delivered()).isLessThanOrEqualTo(limit + 2L);
        assertThat(r.array().length).isLessThanOrEqualTo(limit + 2);
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {1, 2, 5, 13})
    @DisplayName("tiny limits still accept lines at the limit and reject longer ones")
    void tinyLimits(int limit) throws IOException {
        String max = "m".repeat(limit);
        assertThat(readAll(reader(max + "\n" + max + "\r\n" + max, oneByte(), 16, limit))).containsExactly(max, max, max);
        assertThat(readAll(reader(max + "\n" + max + "\r\n" + max, whole(), 16, limit))).containsExactly(max, max, max);
        for (IntSupplier chunks : List.of(oneByte(), whole())) {
            assertThatThrownBy(() -> readAll(reader(max + "x\n", chunks, 16, limit))).isInstanceOf(LineTooLongException.class);
            assertThatThrownBy(() -> readAll(reader(max + "x", chunks, 16, limit))).isInstanceOf(LineTooLongException.class);
        }
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {1, 4, 13})
    @DisplayName("tiny limits: the buffer never exceeds limit+2 either")
    void tinyLimitBufferBound(int limit) {
        EndlessChannel ch = new EndlessChannel((byte) 'a', 1_000_000);
        LineReader r = new LineReader(ch, 16, limit);
        assertThat(r.array().length).isLessThanOrEqualTo(limit + 2);
        assertThatThrownBy(r::next).isInstanceOf(LineTooLongException.class);
        assertThat(ch.delivered()).isLessThanOrEqualTo(limit + 2L);
    }

    @Test
    @DisplayName("an overlong line after short ones: bytes read stay within the limit's needs")
    void overlongAfterShortLinesIsBounded() {
        byte[] prefix = "a\nbb\nccc\n".getBytes(UTF_8);
        byte[] data = new byte[prefix.length + 1_000_000];
        System.arraycopy(prefix, 0, data, 0, prefix.length);
        Arrays.fill(data, prefix.length, data.length, (byte) 'z');
        ChunkedChannel ch = new ChunkedChannel(data, random(3, 300));
        LineReader r = new LineReader(ch, 16, 1000);
        assertThatThrownBy(() -> readAll(r)).isInstanceOf(LineTooLongException.class);
        assertThat(ch.delivered()).isLessThanOrEqualTo(prefix.length + 1002);
        assertThat(r.array().length).isLessThanOrEqualTo(1002);
    }

    // ------------------------------------------------------------------ buffer size

    @Test
    @DisplayName("the buffer starts at the initial size")
    void initialSize() {
        assertThat(new LineReader(new ScriptedChannel(), 512, 1 << 20).array()).hasSize(512);
        assertThat(new LineReader(new ScriptedChannel(), 4096, 100).array()).hasSize(102);
    }

    @Test
    @DisplayName("the buffer grows for a long line and shrinks back once it is consumed and emptied")
    void shrinksAfterLongLine() throws IOException {
        String longLine = "L".repeat(3000);
        ScriptedChannel ch = new ScriptedChannel(
                ("short1\n" + longLine).getBytes(UTF_8),
                "\n".getBytes(UTF_8),
                "short2\n".getBytes(UTF_8),
                "x".repeat(100).getBytes(UTF_8),
                "\nshort3\n".getBytes(UTF_8));
        LineReader r = new LineReader(ch, 64, 4096);
        assertThat(r.array()).hasSize(64);

        assertThat(r.next()).isTrue();
        assertThat(current(r)).isEqualTo("short1");
        assertThat(r.next()).isTrue();
        assertThat(current(r)).isEqualTo(longLine);
        int grown = r.array().length;
        assertThat(grown).isGreaterThanOrEqualTo(3000).isLessThanOrEqualTo(4096 + 2);

        // The long line is consumed and nothing is pending: the next read starts from a small buffer.
        assertThat(r.next()).isTrue();
        assertThat(current(r)).isEqualTo("short2");
        assertThat(r.array()).hasSize(64);

        // A 100-byte line grows it again, a little, and it shrinks again afterwards.
        assertThat(r.next()).isTrue();
        assertThat(current(r)).isEqualTo("x".repeat(100));
        assertThat(r.array().length).isBetween(101, 4098);
        assertThat(r.next()).isTrue();
        assertThat(current(r)).isEqualTo("short3");
        assertThat(r.next()).isFalse();
        assertThat(r.array()).hasSize(64);
    }

    @Test
    @DisplayName("a long line at the limit, then the buffer is back to its initial size at end of stream")
    void shrinksAfterLineAtLimit() throws IOException {
        int limit = 10_000;
        ScriptedChannel ch = new ScriptedChannel(("y".repeat(limit) + "\r\n").getBytes(UTF_8), "z\n".getBytes(UTF_8));
        LineReader r = new LineReader(ch, 16, limit);
        assertThat(r.next()).isTrue();
        assertThat(r.lineLength()).isEqualTo(limit);
        assertThat(r.array().length).isLessThanOrEqualTo(limit + 2);
        assertThat(r.next()).isTrue();
        assertThat(current(r)).isEqualTo("z");
        assertThat(r.array()).hasSize(16);
        assertThat(r.next()).isFalse();
        assertThat(r.array()).hasSize(16);
    }

    @Test
    @DisplayName("a line is a view of the buffer: lineStart/lineLength locate it exactly")
    void lineIsAView() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("abc\r\ndefg\nhi".getBytes(UTF_8));
        LineReader r = new LineReader(new ScriptedChannel(out.toByteArray()), 64, 64);
        assertThat(r.next()).isTrue();
        assertThat(r.lineStart()).isEqualTo(0);
        assertThat(r.lineLength()).isEqualTo(3);
        assertThat(r.next()).isTrue();
        assertThat(r.lineStart()).isEqualTo(5);
        assertThat(r.lineLength()).isEqualTo(4);
        assertThat(r.next()).isTrue();
        assertThat(r.lineStart()).isEqualTo(10);
        assertThat(r.lineLength()).isEqualTo(2);
        assertThat(r.next()).isFalse();
    }

    @Test
    @DisplayName("hasBufferedLine: true only when a whole line is already read")
    void bufferedLine() throws IOException {
        ScriptedChannel in = new ScriptedChannel("a\nbb\r\nc".getBytes(UTF_8), "cc\n".getBytes(UTF_8), "tail".getBytes(UTF_8));
        LineReader r = new LineReader(in, 64, 1024);
        assertThat(r.hasBufferedLine()).as("nothing read yet").isFalse();
        assertThat(r.next()).isTrue();
        assertThat(r.hasBufferedLine()).as("bb is read").isTrue();
        assertThat(r.hasBufferedLine()).as("asking twice changes nothing").isTrue();
        assertThat(r.next()).isTrue();
        assertThat(new String(r.array(), r.lineStart(), r.lineLength(), UTF_8)).isEqualTo("bb");
        assertThat(r.hasBufferedLine()).as("only part of ccc is read: the next call would wait").isFalse();
        assertThat(r.next()).isTrue();
        assertThat(new String(r.array(), r.lineStart(), r.lineLength(), UTF_8)).isEqualTo("ccc");
        assertThat(r.hasBufferedLine()).isFalse();
        assertThat(r.next()).isTrue();
        assertThat(new String(r.array(), r.lineStart(), r.lineLength(), UTF_8)).isEqualTo("tail");
        assertThat(r.hasBufferedLine()).isFalse();
        assertThat(r.next()).isFalse();
    }

    @Test
    @DisplayName("hasBufferedLine: an unterminated last line counts once the stream has ended")
    void bufferedLastLineAtEnd() throws IOException {
        LineReader r = reader("x\ny", whole(), 64, 1024);
        assertThat(r.next()).isTrue(); // reads "x\ny"; the end is not seen yet
        assertThat(r.hasBufferedLine()).isFalse();
        assertThat(r.next()).isTrue(); // meets the end, returns y
        assertThat(r.hasBufferedLine()).isFalse();
        LineReader twoEnds = reader("x\n\ny", whole(), 64, 1024);
        assertThat(twoEnds.next()).isTrue();
        assertThat(twoEnds.hasBufferedLine()).as("the empty line is whole").isTrue();
    }

    // ------------------------------------------------------------------ memory budget, limit, age

    @Test
    @DisplayName("budget: growth past the initial size is reserved before growing and given back when it shrinks")
    void growthDrawsFromTheBudget() throws IOException {
        MemoryBudget budget = new MemoryBudget("lines", 1 << 20);
        String longLine = "x".repeat(5000);
        LineReader r = new LineReader(new ChunkedChannel((longLine + "\nok\n").getBytes(UTF_8), () -> 1000), 64, 8192, budget);
        assertThat(r.next()).isTrue();
        assertThat(r.lineLength()).isEqualTo(5000);
        assertThat(budget.used()).as("grown from 64 to 8192 bytes").isEqualTo(8192 - 64);
        assertThat(r.next()).isTrue(); // "ok", already in the big buffer
        assertThat(r.next()).isFalse(); // shrinks back before reading on
        assertThat(budget.used()).isZero();
        r.close();
        assertThat(budget.used()).isZero();
    }

    @Test
    @DisplayName("budget: a line that must grow when the budget is full is refused before it is exceeded")
    void fullBudgetRefusesGrowth() throws IOException {
        MemoryBudget budget = new MemoryBudget("lines", 1000);
        LineReader r = new LineReader(new ChunkedChannel("y".repeat(5000).getBytes(UTF_8), () -> 1000), 64, 8192, budget);
        assertThatThrownBy(r::next).isInstanceOf(LineBudgetException.class);
        assertThat(budget.used()).isLessThanOrEqualTo(1000).isPositive();
        assertThat(budget.refusals()).isEqualTo(1);
        r.close();
        assertThat(budget.used()).isZero();
        r.close(); // twice is harmless
        assertThat(budget.used()).isZero();
    }

    @Test
    @DisplayName("releaseBuffer gives back a grown buffer's reservation")
    void releaseBufferGivesBack() throws IOException {
        MemoryBudget budget = new MemoryBudget("lines", 1 << 20);
        LineReader r = new LineReader(new ChunkedChannel(("z".repeat(3000) + "\n").getBytes(UTF_8), whole()), 64, 8192, budget);
        assertThat(r.next()).isTrue();
        assertThat(budget.used()).isPositive();
        assertThat(r.releaseBuffer()).isTrue();
        assertThat(budget.used()).isZero();
    }

    @Test
    @DisplayName("limitTo: a lower limit until raised again")
    void temporaryLimit() throws IOException {
        LineReader r = new LineReader(new ChunkedChannel(("a".repeat(100) + "\n" + "b".repeat(300) + "\n").getBytes(UTF_8), () -> 50), 16, 1024);
        r.limitTo(128);
        assertThat(r.limit()).isEqualTo(128);
        assertThat(r.next()).isTrue();
        assertThat(r.lineLength()).isEqualTo(100);
        r.limitTo(1 << 20); // never past the limit given at construction
        assertThat(r.limit()).isEqualTo(1024);
        assertThat(r.next()).isTrue();
        assertThat(r.lineLength()).isEqualTo(300);
        LineReader small = new LineReader(new ChunkedChannel("c".repeat(300).getBytes(UTF_8), () -> 50), 16, 1024);
        small.limitTo(128);
        assertThatThrownBy(small::next).isInstanceOf(LineTooLongException.class)
                .satisfies(e -> assertThat(((LineTooLongException) e).limit()).isEqualTo(128));
    }

    @Test
    @DisplayName("unfinishedSince: dated when the reader waits for the rest of a line, cleared when it ends")
    void unfinishedLineAge() throws IOException {
        java.util.ArrayDeque<byte[]> chunks = new java.util.ArrayDeque<>();
        chunks.add("whole\npart".getBytes(UTF_8));
        chunks.add("ial\n".getBytes(UTF_8));
        ReadableByteChannel in = new ReadableByteChannel() {
            @Override public int read(ByteBuffer dst) {
                byte[] c = chunks.poll();
                if (c == null) return -1;
                dst.put(c);
                return c.length;
            }
            @Override public boolean isOpen() { return true; }
            @Override public void close() {}
        };
        LineReader r = new LineReader(in, 64, 1024);
        assertThat(r.unfinishedSince()).isZero();
        assertThat(r.next()).isTrue(); // "whole"; "part" waits for the rest
        assertThat(r.unfinishedSince()).isZero();
        long before = System.nanoTime();
        r.readOnce(); // waits for the rest of "part..."
        assertThat(r.unfinishedSince()).isBetween(before, System.nanoTime());
        assertThat(r.next()).isTrue();
        assertThat(new String(r.array(), r.lineStart(), r.lineLength(), UTF_8)).isEqualTo("partial");
        assertThat(r.unfinishedSince()).isZero();
    }
}
