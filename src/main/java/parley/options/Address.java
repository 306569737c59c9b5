package parley.options;

import java.net.InetSocketAddress;

/** Parses the ADDRESS argument both subcommands take: {@code HOST:PORT}, {@code [V6]:PORT} or {@code PORT}. */
public final class Address {
    private Address() {}

    public static InetSocketAddress parse(String text, String defaultHost) {
        String s = text.strip();
        String host = defaultHost;
        String port = s;
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            if (host.isEmpty()) host = defaultHost;
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address: expected HOST:PORT or PORT");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("port " + p + " is out of range 0-65535");
        }
        return new InetSocketAddress(host, p);
    }
}
