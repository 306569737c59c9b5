package parley.cli;

import parley.options.DurationConverter;
import parley.server.ServerConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where settings come from: flag &gt; config file &gt; environment &gt; default, and bad values
 * refused with exit code 2 and a message naming the setting and its source. Nothing here starts a
 * server: every refused start returns before binding.
 */
@DisplayName("server settings")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerSettingsTest {
    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private ServerCommand cmd;
    private CommandLine cl;
    private final StringWriter err = new StringWriter();

    private CommandLine commandLine() {
        cmd = new ServerCommand(env);
        cl = ServerCommand.configure(new CommandLine(cmd).setCaseInsensitiveEnumValuesAllowed(true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }

    private ServerConfig parse(String... args) {
        commandLine().parseArgs(args);
        return cmd.settings();
    }

    /** Runs the command as main would; only for inputs that must be refused before the server starts. */
    private int refused(String... args) {
        int code = commandLine().execute(args);
        assertThat(code).as(err.toString()).isEqualTo(2);
        return code;
    }

    private Path file(String text) throws Exception {
        Path f = dir.resolve("parley.conf");
        Files.writeString(f, text);
        return f;
    }

    @Test
    @DisplayName("with nothing set, the settings are ServerConfig's defaults")
    void defaults() {
        assertThat(parse()).isEqualTo(ServerConfig.defaults());
    }

    @Test
    @DisplayName("--coalesce: 4ms by default, 0 turns it off, microseconds allowed, over 1s refused")
    void coalesce() {
        assertThat(parse().coalesce()).isEqualTo(java.time.Duration.ofMillis(4));
        assertThat(parse("--coalesce", "0").coalesce()).isZero();
        assertThat(parse("--coalesce", "250us").coalesce()).isEqualTo(java.time.Duration.ofNanos(250_000));
        assertThat(DurationConverter.format(java.time.Duration.ofNanos(250_000))).isEqualTo("250us");
        env.put("PARLEY_COALESCE", "2ms");
        assertThat(parse().coalesce()).isEqualTo(java.time.Duration.ofMillis(2));
        env.clear();
        refused("--coalesce", "2s");
        refused("--coalesce", "-1ms");
    }

    @Test
    @DisplayName("precedence: flag over config file over environment over default")
    void precedence() throws Exception {
        Path f = file("""
                # comments and blank lines are fine

                group-capacity = 200
                max-connections=50
                post-rate: 7
                """);
        env.put("PARLEY_GROUP_CAPACITY", "300");
        env.put("PARLEY_MAX_CONNECTIONS", "60");
        env.put("PARLEY_MAX_MESSAGE", "1000");
        env.put("PARLEY_WRITE_DEADLINE", "2s");
        env.put("PARLEY_UNRELATED", "ignored"); // the launcher's PARLEY_JAVA_OPTS, say

        ServerConfig c = parse("--config", f.toString(), "--group-capacity", "100");
        assertThat(c.groupCapacity()).isEqualTo(100);                   // flag
        assertThat(c.maxConnections()).isEqualTo(50);                   // file over env
        assertThat(c.postRate()).isEqualTo(7);                          // file
        assertThat(c.postBurst()).isEqualTo(7);                         // follows the rate
        assertThat(c.maxMessageBytes()).isEqualTo(1000);                // env
        assertThat(c.writeDeadline()).isEqualTo(Duration.ofSeconds(2)); // env
        assertThat(c.maxLineBytes()).isEqualTo(ServerConfig.DEFAULT_MAX_LINE_BYTES); // default

        // Without the flag, the file's value; without the file, the environment's.
        assertThat(parse("--config", f.toString()).groupCapacity()).isEqualTo(200);
        assertThat(parse().groupCapacity()).isEqualTo(300);
    }

    @Test
    @DisplayName("the config file can come from PARLEY_CONFIG, and can set the address")
    void configFromEnvironment() throws Exception {
        Path f = file("address=127.0.0.1:9123\nmax-groups-per-connection=3\n");
        env.put("PARLEY_CONFIG", f.toString());
        ServerConfig c = parse();
        assertThat(c.address()).isEqualTo(new InetSocketAddress("127.0.0.1", 9123));
        assertThat(c.maxGroupsPerConnection()).isEqualTo(3);
        assertThat(parse("7000").address().getPort()).isEqualTo(7000);
    }

    @Test
    @DisplayName("a bad flag value: exit 2, naming the option")
    void badFlag() {
        refused("--group-capacity", "lots");
        assertThat(err.toString()).contains("--group-capacity").contains("lots");
        refused("--write-deadline", "soon");
        assertThat(err.toString()).contains("'soon' is not a duration");
    }

    @Test
    @DisplayName("a bad value from the environment or the file: exit 2, naming the setting and where it came from")
    void badValueFromSource() throws Exception {
        env.put("PARLEY_MAX_CONNECTIONS", "many");
        refused();
        assertThat(err.toString()).isEqualTo("parley server: max-connections must be a whole number, got 'many' "
                + "(from environment variable PARLEY_MAX_CONNECTIONS)" + System.lineSeparator());

        env.clear();
        Path f = file("post-rate=-1\n");
        refused("--config", f.toString());
        assertThat(err.toString()).contains("post-rate must be at least 0, got -1 (from config file " + f + ")");

        Files.writeString(f, "write-deadline=0s\n");
        refused("--config", f.toString());
        assertThat(err.toString()).contains("write-deadline must be more than 0");

        err.getBuffer().setLength(0);
        refused("--max-message", "0");
        assertThat(err.toString()).contains("max-message must be at least 1, got 0").doesNotContain("from config");

        refused("--http", "nowhere:port");
        assertThat(err.toString()).contains("http: 'nowhere:port' is not an address");
    }

    @Test
    @DisplayName("a value of the wrong kind from the file or the environment names its source, with no usage after it")
    void wrongKindFromSource() throws Exception {
        Path f = file("group-capacity=abc\n");
        refused("--config", f.toString());
        assertThat(err.toString()).isEqualTo("parley server: group-capacity must be a whole number, got 'abc' "
                + "(from config file " + f + ")" + System.lineSeparator());

        err.getBuffer().setLength(0);
        env.put("PARLEY_WRITE_DEADLINE", "5");
        refused();
        assertThat(err.toString()).isEqualTo("parley server: write-deadline must be a duration such as 30s or 500ms, "
                + "got '5' (from environment variable PARLEY_WRITE_DEADLINE)" + System.lineSeparator());

        err.getBuffer().setLength(0);
        env.clear();
        env.put("PARLEY_INLINE_SEND", "maybe");
        refused();
        assertThat(err.toString()).contains("inline-send must be true or false, got 'maybe' "
                + "(from environment variable PARLEY_INLINE_SEND)");

        err.getBuffer().setLength(0);
        env.clear();
        Files.writeString(f, "history-bytes=8M\nlog-level=loud\n");
        refused("--config", f.toString());
        assertThat(err.toString()).contains("must be ").contains("(from config file " + f + ")")
                .doesNotContain("Usage").doesNotContain("--help");

        // The flag wins over the file: its bad value is the flag's, and the file's is never read.
        err.getBuffer().setLength(0);
        Files.writeString(f, "group-capacity=abc\n");
        assertThat(parse("--config", f.toString(), "--group-capacity", "7").groupCapacity()).isEqualTo(7);
    }

    @Test
    @DisplayName("through parley's own command line too: one line, no usage, exit 2")
    void noUsageFromMain() throws Exception {
        Path f = file("group-capacity=abc\n");
        StringWriter out = new StringWriter();
        // A command line runs once, as in main: each case gets its own.
        java.util.function.Supplier<CommandLine> main = () -> {
            CommandLine m = Main.commandLine();
            m.setErr(new PrintWriter(err, true));
            m.setOut(new PrintWriter(out, true));
            return m;
        };
        assertThat(main.get().execute("server", "--config", f.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("parley server: group-capacity must be a whole number, got 'abc' "
                + "(from config file " + f + ")" + System.lineSeparator());

        err.getBuffer().setLength(0);
        assertThat(main.get().execute("server", "--config", dir.resolve("nonexistent").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("parley server: cannot read config file " + dir.resolve("nonexistent")
                + ": no such file" + System.lineSeparator());

        err.getBuffer().setLength(0);
        assertThat(main.get().execute("server", "--group-capacity", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("--group-capacity: 'lots' is not a whole number")
                .doesNotContain("Usage:");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    @DisplayName("--inline-send and --idle-readers: on by default, off by flag, file or environment")
    void switches() throws Exception {
        assertThat(parse().inlineSend()).isTrue();
        assertThat(parse().idleReaders()).isTrue();
        assertThat(parse("--inline-send", "false").inlineSend()).isFalse();
        assertThat(parse("--idle-readers=false").idleReaders()).isFalse();
        env.put("PARLEY_IDLE_READERS", "FALSE");
        assertThat(parse().idleReaders()).isFalse();
        Path f = file("inline-send=false\n");
        assertThat(parse("--config", f.toString()).inlineSend()).isFalse();
        assertThat(parse("--config", f.toString(), "--inline-send", "true").inlineSend()).isTrue();
        assertThat(parse("--config", f.toString(), "--inline-send").inlineSend()).as("alone: on").isTrue();
        assertThat(parse("--idle-readers", "false", "7000").address().getPort()).isEqualTo(7000);
        refused("--inline-send=yes");
        assertThat(err.toString()).contains("--inline-send: 'yes' is not true or false");
    }

    @Test
    @DisplayName("docs/operations.md's settings table is the options' own, and the README points to it")
    void docsTableMatchesOptions() throws Exception {
        String docs = Files.readString(Path.of("docs/operations.md"));
        int settings = docs.indexOf("\n## Settings\n");
        assertThat(settings).as("docs/operations.md has a Settings section").isNotNegative();
        StringBuilder table = new StringBuilder();
        boolean in = false;
        for (String line : docs.substring(settings).lines().toList()) {
            if (line.startsWith("|")) {
                in = true;
                table.append(line).append('\n');
            } else if (in) {
                break;
            }
        }
        assertThat(table.toString()).as("the table in docs/operations.md#settings; it must read:%n%s",
                ServerOption.markdownTable()).isEqualTo(ServerOption.markdownTable());

        // Every option of the command is in the table (none declared beside it), and every row is an option.
        commandLine();
        java.util.Set<String> commandNames = new java.util.TreeSet<>();
        for (CommandLine.Model.ArgSpec a : cl.getCommandSpec().args()) {
            String name = ServerDefaults.settingName(a);
            if (name != null) commandNames.add(name);
        }
        assertThat(commandNames).containsExactlyInAnyOrderElementsOf(ServerOption.names());
        java.util.List<String> rows = table.toString().lines().skip(2).toList();
        assertThat(rows).hasSize(ServerOption.values().length);

        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains("(docs/operations.md#settings)").doesNotContain("| `--group-capacity` |");
    }

    @Test
    @DisplayName("every ServerConfig setting has its option (so its flag, file key, variable, help, log and docs row)")
    void everySettingHasAnOption() {
        long settings = java.util.Arrays.stream(ServerConfig.class.getRecordComponents())
                .filter(c -> !c.getName().equals("address")).count();
        long options = java.util.Arrays.stream(ServerOption.values()).filter(ServerOption::inConfig).count();
        assertThat(options).as("options that set a ServerConfig component").isEqualTo(settings);
        // Each one reads back a value other than its default: a row wired to the wrong component would not.
        ServerConfig d = ServerConfig.defaults();
        for (ServerOption o : ServerOption.values()) {
            if (!o.inConfig()) continue;
            Object now = o.logValue(d);
            String next = switch (o.kind) {
                case INT, LONG -> {
                    long n = "off".equals(now) ? 0 : ((Number) now).longValue();
                    yield String.valueOf(n > 1 ? n - 1 : n + 1);
                }
                case DURATION -> DurationConverter.format(DurationConverter.parse((String) now).plusMillis(1));
                case BOOLEAN -> String.valueOf(!(Boolean) now);
                case SIZE -> parley.options.Sizes.format(parley.options.Sizes.parse((String) now) * 2);
                case COMMA_LIST -> now + (String.valueOf(now).isEmpty() ? "" : ",") + "alice,carol";
                default -> throw new AssertionError(o + " is a ServerConfig setting of kind " + o.kind);
            };
            ServerConfig.Builder b = d.toBuilder();
            o.set(b, o.kind.parse(next));
            assertThat(String.valueOf(o.logValue(b.build()))).as(o.name).isEqualTo(next);
        }
    }

    @Test
    @DisplayName("each option's default on the command line is ServerConfig's")
    void defaultsAreTheRecords() {
        ServerConfig d = ServerConfig.defaults();
        ServerConfig parsed = parse();
        assertThat(parsed).isEqualTo(d);
        String help = commandLine().getUsageMessage().replaceAll("\\s+", " ");
        assertThat(help).contains("--group-capacity=N messages a group holds")
                .contains("(default: " + d.groupCapacity() + ")")
                .contains("(default: " + DurationConverter.format(d.coalesce()) + ")")
                .contains("--inline-send[=true|false]").contains("--idle-readers[=true|false]");
    }

    @Test
    @DisplayName("a config file with an unknown key, or none at that path: exit 2")
    void badConfigFile() throws Exception {
        Path f = file("group-capcity=10\nmax-line=100\n");
        refused("--config", f.toString());
        assertThat(err.toString()).contains("unknown setting group-capcity in config file " + f);
        refused("--config", dir.resolve("missing.conf").toString());
        assertThat(err.toString()).contains("cannot read config file " + dir.resolve("missing.conf") + ": no such file")
                .doesNotContain("Exception");
        err.getBuffer().setLength(0);
        refused("--config", dir.toString());
        assertThat(err.toString()).contains("cannot read config file " + dir + ": not a regular file");
    }

    @Test
    @DisplayName("TLS and auth files that cannot be used: exit 2 before listening")
    void badSecurityFiles() throws Exception {
        refused("--tls-cert", dir.resolve("cert.pem").toString());
        assertThat(err.toString()).contains("--tls-cert and --tls-key go together");
        Path junk = file("not a certificate");
        refused("--tls-cert", junk.toString(), "--tls-key", junk.toString());
        assertThat(err.toString()).contains(junk.toString());
        refused("--auth-tokens", dir.resolve("no-such-tokens").toString());
        assertThat(err.toString()).contains("no-such-tokens");
        refused("--tls-keystore", junk.toString(), "--tls-cert", junk.toString(), "--tls-key", junk.toString());
        assertThat(err.toString()).contains("not both");
    }

    @Test
    @DisplayName("every file or list that cannot be used is refused naming its setting")
    void badFilesNameTheirSetting() throws Exception {
        String missing = dir.resolve("nonexist").toString();
        Path junk = file("not a certificate");
        String[][] cases = {
            {"--tls-cert", missing, "--tls-key", junk.toString()}, {"--tls-cert " + missing + ": no such file"},
            {"--tls-cert", junk.toString(), "--tls-key", missing}, {"--tls-key " + missing + ": no such file"},
            {"--tls-cert", junk.toString(), "--tls-key", junk.toString()}, {"--tls-cert " + junk + ": "},
            {"--tls-keystore", junk.toString()}, {"--tls-keystore " + junk + ": "},
            {"--auth-tokens", missing}, {"--auth-tokens " + missing + ": no such file"},
            {"--auth-tokens", dir.toString()}, {"--auth-tokens " + dir + ": not a regular file"},
            {"--web-origin", "foo"}, {"--web-origin: 'foo' is not an origin"},
            {"--max-name", "100"}, {"max-name must be at most 32, got 100"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            err.getBuffer().setLength(0);
            refused(cases[i]);
            assertThat(err.toString()).as(String.join(" ", cases[i])).contains(cases[i + 1][0]);
        }
    }

    @Test
    @DisplayName("--help lists every setting with its default, and shows defaults from the environment")
    void help() {
        String help = commandLine().getUsageMessage();
        for (OptionSpec o : cl.getCommandSpec().options()) {
            assertThat(help).contains(o.longestName());
        }
        for (String name : new String[] {"--group-capacity", "--max-connections", "--max-line", "--max-message",
                "--post-rate", "--post-burst", "--max-group-name", "--max-groups-per-connection", "--max-name",
                "--write-deadline", "--write-buffer", "--read-buffer", "--max-reply-backlog", "--close-flush-timeout",
                "--writer-linger", "--history", "--history-bytes", "--tls-cert", "--tls-key", "--tls-keystore",
                "--tls-keystore-password", "--tls-handshake-timeout", "--auth-tokens", "--auth-timeout", "--http",
                "--log-level", "--log-format", "--config"}) {
            assertThat(help).contains(name);
        }
        String flat = help.replaceAll("\\s+", " ");
        assertThat(flat).contains("(default: " + ServerConfig.DEFAULT_MAX_CONNECTIONS + ")")
                .contains("(default: " + ServerConfig.DEFAULT_MAX_MESSAGE_BYTES + ")")
                .contains("(default: " + ServerConfig.DEFAULT_WRITE_DEADLINE_TEXT + ")")
                .contains("flag > config file > environment > default");

        env.put("PARLEY_GROUP_CAPACITY", "4321");
        assertThat(commandLine().getUsageMessage().replaceAll("\\s+", " ")).contains("(default: 4321)");
    }

    @Test
    @DisplayName("the duration defaults written for the command line are ServerConfig's")
    void durationDefaultsAgree() {
        ServerConfig c = parse();
        assertThat(c.writeDeadline()).isEqualTo(ServerConfig.DEFAULT_WRITE_DEADLINE);
        assertThat(c.closeFlushTimeout()).isEqualTo(ServerConfig.DEFAULT_CLOSE_FLUSH_TIMEOUT);
        assertThat(c.writerLinger()).isEqualTo(ServerConfig.DEFAULT_WRITER_LINGER);
        assertThat(c.authTimeout()).isEqualTo(ServerConfig.DEFAULT_AUTH_TIMEOUT);
        assertThat(c.tlsHandshakeTimeout()).isEqualTo(ServerConfig.DEFAULT_TLS_HANDSHAKE_TIMEOUT);
    }
}
