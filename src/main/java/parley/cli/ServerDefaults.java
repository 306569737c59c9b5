package parley.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where a server setting not given as a flag comes from: the config file, then the environment,
 * then the option's own default. So the precedence is flag &gt; config file &gt; environment &gt;
 * default, because picocli asks a default provider only for options the command line left out
 * (after parsing, which is also why the {@code --config} flag is already known when the file is
 * needed).
 *
 * <p>A setting's name is the option's long name without its dashes ({@code group-capacity}; the
 * address is {@code address}). In the file that is the key ({@code group-capacity=1000}, a
 * {@link Properties} file); in the environment it is upper-cased with a {@code PARLEY_} prefix
 * ({@code PARLEY_GROUP_CAPACITY}). The file itself comes from {@code --config} or
 * {@code PARLEY_CONFIG}.
 */
final class ServerDefaults implements CommandLine.IDefaultValueProvider {
    static final String ENV_PREFIX = "PARLEY_";
    static final String CONFIG = "config";

    private final Supplier<String> configFlag;
    private final Map<String, String> env;
    /** Where each provided value came from, by setting name, for error messages. */
    private final Map<String, String> sources = new HashMap<>();
    private String loadedPath;
    private Properties file;
    private String problem;

    /**
     * @param configFlag the {@code --config} value once parsed (null if not given)
     * @param env        the environment (tests pass their own)
     */
    ServerDefaults(Supplier<String> configFlag, Map<String, String> env) {
        this.configFlag = configFlag;
        this.env = env;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        String key = settingName(arg);
        if (key == null) return null;
        if (key.equals(CONFIG)) return env.get(envName(CONFIG));
        Properties f = file();
        if (f != null && f.containsKey(key)) {
            sources.put(key, "config file " + loadedPath);
            return f.getProperty(key).strip();
        }
        String name = envName(key);
        String v = env.get(name);
        if (v != null) {
            sources.put(key, "environment variable " + name);
            return v.strip();
        }
        return null;
    }

    /** The setting an option or parameter stands for, or null for --help and --version. */
    static String settingName(ArgSpec arg) {
        if (arg instanceof OptionSpec o) {
            if (o.usageHelp() || o.versionHelp()) return null;
            String n = o.longestName();
            int i = 0;
            while (i < n.length() && n.charAt(i) == '-') i++;
            return n.substring(i);
        }
        return arg.paramLabel().replaceAll("[<>]", "").toLowerCase(Locale.ROOT);
    }

    static String envName(String setting) {
        return ENV_PREFIX + setting.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** "config file F" or "environment variable PARLEY_X" if that is where the setting's value came from. */
    String sourceOf(String setting) {
        return setting == null ? null : sources.get(setting);
    }

    /** Why the config file could not be used, or null. */
    String problem() {
        file();
        return problem;
    }

    /** The config file's keys that name no setting of {@code spec}: typos, which must not pass silently. */
    Set<String> unknownKeys(CommandSpec spec) {
        Properties f = file();
        Set<String> unknown = new TreeSet<>();
        if (f == null) return unknown;
        Set<String> known = new TreeSet<>();
        for (ArgSpec a : spec.args()) {
            String k = settingName(a);
            if (k != null) known.add(k);
        }
        for (String k : f.stringPropertyNames()) {
            if (!known.contains(k) || k.equals(CONFIG)) unknown.add(k);
        }
        return unknown;
    }

    String configPath() {
        String flag = configFlag.get();
        return flag != null ? flag : env.get(envName(CONFIG));
    }

    private Properties file() {
        String path = configPath();
        if (path == null || path.isBlank()) return null;
        if (!path.equals(loadedPath)) {
            loadedPath = path;
            file = null;
            problem = null;
            Properties p = new Properties();
            Path f = Path.of(path);
            String why = ServerCommand.unreadable(f);
            if (why != null) {
                problem = "cannot read config file " + path + ": " + why;
                return null;
            }
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(r);
                file = p;
            } catch (java.nio.charset.MalformedInputException e) {
                problem = "cannot read config file " + path + ": it is not UTF-8 text";
            } catch (IOException e) {
                problem = "cannot read config file " + path + ": " + e.getMessage();
            } catch (IllegalArgumentException e) { // Properties: a malformed escape
                problem = "cannot read config file " + path + ": " + e.getMessage();
            }
        }
        return file;
    }
}
