package parley.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which requests the HTTP listener serves, and which pages may open the chat WebSocket.
 *
 * <p><b>Host.</b> Every request (the page, {@code /ws}, {@code /health}, {@code /metrics}) must
 * name one of the server's names in its {@code Host} header: {@code localhost}, the address the
 * connection arrived at (for a listener bound to one address, that address; for one bound to
 * {@code 0.0.0.0} or {@code ::}, whichever of the machine's addresses the client used), and each
 * name given with {@code --web-host}. Any other is refused (421). This is what stops DNS
 * rebinding: a page on {@code evil.example} whose name is made to resolve to 127.0.0.1 reaches a
 * loopback server with {@code Host: evil.example}, which it does not serve. A request without a
 * Host header does not come from a browser and is served.
 *
 * <p><b>Origin.</b> A browser sends an {@code Origin} header with every WebSocket handshake; a page
 * on another site must not be able to chat in the name of whoever runs the browser, so the gateway
 * accepts:
 *
 * <ul>
 *   <li>the same origin: {@code http://NAME:PORT} where NAME is one of the server's names above
 *       and PORT the port the connection arrived at (the listener is plain HTTP, so an
 *       {@code https://} origin is never its own; a page behind a TLS proxy is listed with
 *       {@code --web-origin});</li>
 *   <li>any origin listed with {@code --web-origin}, such as {@code https://chat.example.org};</li>
 * </ul>
 *
 * and refuses every other one with 403 before the upgrade. Neither check reads the Host header
 * to decide what is "same": that header is what the page's own name put there. A handshake
 * without an Origin header does not come from a browser page, and is accepted: such a client can
 * send anything it likes anyway.
 */
public final class OriginPolicy {
    private final Set<String> extra;
    private final Set<String> names;

    private OriginPolicy(Set<String> extra, Set<String> names) {
        this.extra = extra;
        this.names = names;
    }

    /**
     * A policy allowing the same origin and the listed ones ({@code scheme://host[:port]}).
     *
     * @throws IllegalArgumentException naming the first value that is not an origin
     */
    public static OriginPolicy of(List<String> extraOrigins) {
        return of(extraOrigins, List.of());
    }

    /**
     * As {@link #of(List)}, with more names the server answers to ({@code --web-host}) beside
     * {@code localhost} and its own address.
     *
     * @throws IllegalArgumentException naming the first value that is not an origin or a host name
     */
    public static OriginPolicy of(List<String> extraOrigins, List<String> hosts) {
        Set<String> set = new LinkedHashSet<>();
        for (String o : extraOrigins) {
            String n = normalize(o);
            if (n == null) {
                throw new IllegalArgumentException("'" + o + "' is not an origin: expected SCHEME://HOST[:PORT],"
                        + " e.g. https://chat.example.org");
            }
            set.add(n);
        }
        Set<String> hostSet = new LinkedHashSet<>();
        hostSet.add("localhost");
        for (String h : hosts) {
            String n = hostName(h);
            if (n == null) {
                throw new IllegalArgumentException("'" + h + "' is not a host name: expected a name or an address"
                        + " without a port, e.g. chat.example.org");
            }
            hostSet.add(n);
        }
        return new OriginPolicy(Set.copyOf(set), Set.copyOf(hostSet));
    }

    public static OriginPolicy sameOriginOnly() {
        return of(List.of(), List.of());
    }

    /** The extra origins, normalized ({@code scheme://host:port}, lower case). */
    public Set<String> extraOrigins() {
        return extra;
    }

    /** The names always served beside the connection's own address: localhost and the --web-host ones. */
    public Set<String> names() {
        return names;
    }

    /**
     * Whether a request with this Host header is for this server.
     *
     * @param host  the Host header, or null if the request had none
     * @param local the address the connection arrived at
     */
    public boolean hostAllowed(String host, InetSocketAddress local) {
        if (host == null) return true;
        String a = authority(host.strip(), "http");
        if (a == null) return false;
        return isName(a.substring(0, a.lastIndexOf(':')), local);
    }

    /**
     * @param origin the Origin header
     * @param local  the address the connection arrived at
     */
    public boolean allows(String origin, InetSocketAddress local) {
        URI o = parse(origin);
        if (o == null) return false;
        if (extra.contains(normalize(o))) return true;
        if (!o.getScheme().equalsIgnoreCase("http")) return false;
        String a = authority(o);
        int colon = a.lastIndexOf(':');
        return Integer.parseInt(a.substring(colon + 1)) == local.getPort() && isName(a.substring(0, colon), local);
    }

    /** {@code host} (lower case, IPv6 in brackets) is localhost, a --web-host name, or the local address. */
    private boolean isName(String host, InetSocketAddress local) {
        if (names.contains(host)) return true;
        InetAddress mine = local.getAddress();
        if (mine == null) return false;
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return InetAddress.ofLiteral(literal).equals(mine);
        } catch (IllegalArgumentException e) {
            return false; // a name, not an address
        }
    }

    /** A --web-host value as compared: lower case, an IPv6 address in brackets; null if not a host. */
    static String hostName(String h) {
        String s = h.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) return null;
        if (s.contains(":") && !s.startsWith("[")) s = "[" + s + "]";
        String a = authority(s, "http");
        if (a == null || !a.endsWith(":80")) return null;
        String host = a.substring(0, a.length() - 3);
        try {
            return new URI("http", null, host, -1, null, null, null).getHost() == null
                    ? null : host;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ parsing

    /** {@code scheme://host:port} in lower case with the default port filled in, or null. */
    static String normalize(String origin) {
        URI o = parse(origin);
        return o == null ? null : normalize(o);
    }

    private static String normalize(URI o) {
        return o.getScheme().toLowerCase(Locale.ROOT) + "://" + authority(o);
    }

    /** An origin is a scheme and a host, an optional port, and nothing else. */
    private static URI parse(String origin) {
        if (origin == null) return null;
        String s = origin.strip();
        if (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        try {
            URI u = new URI(s);
            if (u.getScheme() == null || u.getHost() == null || u.getRawUserInfo() != null
                    || !u.getRawPath().isEmpty() || u.getRawQuery() != null || u.getRawFragment() != null) {
                return null;
            }
            return u;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String authority(URI o) {
        int port = o.getPort() == -1 ? defaultPort(o.getScheme()) : o.getPort();
        return o.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** {@code host[:port]} or {@code [v6][:port]} from a Host header, as {@code host:port}; null if malformed. */
    private static String authority(String hostHeader, String scheme) {
        String host;
        String port;
        if (hostHeader.startsWith("[")) {
            int close = hostHeader.indexOf(']');
            if (close < 0) return null;
            host = hostHeader.substring(0, close + 1);
            String rest = hostHeader.substring(close + 1);
            if (rest.isEmpty()) {
                port = null;
            } else if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else {
                return null;
            }
        } else {
            int colon = hostHeader.indexOf(':');
            if (colon != hostHeader.lastIndexOf(':')) return null;
            host = colon < 0 ? hostHeader : hostHeader.substring(0, colon);
            port = colon < 0 ? null : hostHeader.substring(colon + 1);
        }
        if (host.isEmpty()) return null;
        int p;
        if (port == null) {
            p = defaultPort(scheme);
        } else {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                return null;
            }
            if (p < 0 || p > 65535) return null;
        }
        return host.toLowerCase(Locale.ROOT) + ":" + p;
    }

    private static int defaultPort(String scheme) {
        String s = scheme.toLowerCase(Locale.ROOT);
        return s.equals("https") || s.equals("wss") ? 443 : 80;
    }
}
