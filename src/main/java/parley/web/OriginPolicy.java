package parley.web;

import java.net.URISyntaxException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which pages may open the chat WebSocket. A browser sends an {@code Origin} header with every
 * WebSocket handshake; a page on another site must not be able to chat in the name of whoever runs
 * the browser, so the gateway accepts:
 *
 * <ul>
 *   <li>the same origin: the Origin's host and port equal those of the {@code Host} header (the
 *       page was served by this listener, or by something proxying it under the same name);</li>
 *   <li>any origin listed with {@code --web-origin}, such as {@code https://chat.example.org};</li>
 * </ul>
 *
 * and refuses every other one with 403 before the upgrade. A handshake without an Origin header
 * does not come from a browser page, and is accepted: such a client can send anything it likes
 * anyway.
 */
public final class OriginPolicy {
    private final Set<String> extra;

    private OriginPolicy(Set<String> extra) {
        this.extra = extra;
    }

    /**
     * A policy allowing the same origin and the listed ones ({@code scheme://host[:port]}).
     *
     * @throws IllegalArgumentException naming the first value that is not an origin
     */
    public static OriginPolicy of(List<String> extraOrigins) {
        Set<String> set = new LinkedHashSet<>();
        for (String o : extraOrigins) {
            String n = normalize(o);
            if (n == null) {
                throw new IllegalArgumentException("'" + o + "' is not an origin: expected SCHEME://HOST[:PORT],"
                        + " e.g. https://chat.example.org");
            }
            set.add(n);
        }
        return new OriginPolicy(Set.copyOf(set));
    }

    public static OriginPolicy sameOriginOnly() {
        return new OriginPolicy(Set.of());
    }

    /** The extra origins, normalized ({@code scheme://host:port}, lower case). */
    public Set<String> extraOrigins() {
        return extra;
    }

    /**
     * @param origin the Origin header
     * @param host   the Host header, or null if the request had none
     */
    public boolean allows(String origin, String host) {
        URI o = parse(origin);
        if (o == null) return false;
        if (extra.contains(normalize(o))) return true;
        if (host == null) return false;
        String a = authority(host.strip(), o.getScheme());
        return a != null && a.equals(authority(o));
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
