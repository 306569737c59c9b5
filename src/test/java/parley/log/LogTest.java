package parley.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One line per event, values escaped so nothing a peer sends can split or forge a line; JUL routed through it. */
@DisplayName("logging")
class LogTest {
    private static final Instant T = Instant.parse("2026-11-26T07:00:00.123Z");
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @AfterEach
    void restore() throws Exception {
        Log.setOutput(System.err);
        Log.setLevel(Log.Level.INFO);
        Log.setFormat(Log.Format.TEXT);
        LogManager.getLogManager().readConfiguration();
    }

    @Test
    @DisplayName("text: time level event key=value, plain values bare, others quoted and escaped")
    void text() {
        assertThat(Log.line(Log.Format.TEXT, T, Log.Level.INFO, "connection.closed", null,
                "peer", "/127.0.0.1:5555", "reason", "max_line", "seconds", 3))
                .isEqualTo("2026-11-26T07:00:00.123Z INFO connection.closed peer=/127.0.0.1:5555 reason=max_line seconds=3");
        assertThat(Log.line(Log.Format.TEXT, T, Log.Level.WARN, "x", null,
                "group", "dogs\nINFO forged=1", "empty", "", "q", "say \"hi\" a=b"))
                .isEqualTo("2026-11-26T07:00:00.123Z WARN x group=\"dogs\\nINFO forged=1\" empty=\"\" q=\"say \\\"hi\\\" a=b\"");
        String withError = Log.line(Log.Format.TEXT, T, Log.Level.ERROR, "connection.failed",
                new IllegalStateException("boom\nsecond line"), "peer", "p");
        assertThat(withError).doesNotContain("\n")
                .endsWith("peer=p error=\"java.lang.IllegalStateException: boom\\nsecond line\"");
    }

    @Test
    @DisplayName("JSON: one object per line, numbers as numbers")
    void json() throws Exception {
        String line = Log.line(Log.Format.JSON, T, Log.Level.INFO, "server.started", null,
                "address", "127.0.0.1:7878", "max-connections", 100000, "tls", true, "odd", "a\"b\nc");
        assertThat(line).doesNotContain("\n").startsWith("{\"time\":\"2026-11-26T07:00:00.123Z\",\"level\":\"INFO\"");
        Map<String, Object> fields = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(line)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                JsonToken v = p.nextToken();
                fields.put(k, v == JsonToken.VALUE_NUMBER_INT ? (Object) p.getLongValue()
                        : v.isBoolean() ? (Object) p.getBooleanValue() : p.getText());
            }
        }
        assertThat(fields).containsEntry("event", "server.started").containsEntry("max-connections", 100000L)
                .containsEntry("tls", true).containsEntry("odd", "a\"b\nc");
    }

    @Test
    @DisplayName("levels below the threshold are dropped")
    void levels() {
        Log.setOutput(new PrintStream(captured, true, UTF_8));
        Log.debug("quiet");
        Log.info("loud", "k", "v");
        Log.setLevel(Log.Level.DEBUG);
        Log.debug("now.heard");
        List<String> lines = captured.toString(UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).endsWith(" INFO loud k=v");
        assertThat(lines.get(1)).endsWith(" DEBUG now.heard");
    }

    @Test
    @DisplayName("java.util.logging (Helidon's) comes out in the same one-line format")
    void julBridge() {
        Log.setOutput(new PrintStream(captured, true, UTF_8));
        JulBridge.install();
        Logger helidon = Logger.getLogger("io.helidon.webserver.Test");
        helidon.info("[0x1] http://127.0.0.1:1 bound for socket '@default'");
        helidon.log(java.util.logging.Level.WARNING, "two\nlines {0}", "param");
        helidon.fine("below the level");
        List<String> lines = captured.toString(UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\S+Z INFO jul logger=io.helidon.webserver.Test "
                + "msg=\"\\[0x1\\] http://127.0.0.1:1 bound for socket '@default'\"");
        assertThat(lines.get(1)).endsWith(" WARN jul logger=io.helidon.webserver.Test msg=\"two\\nlines param\"");
    }
}
