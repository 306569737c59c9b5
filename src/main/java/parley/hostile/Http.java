package parley.hostile;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;

/** HTTP/1.1 requests written by hand, so that the Host and Origin are whatever the attack needs. */
final class Http {
    private Http() {}

    /** A response: its status (-1 if none came) and body. */
    record Response(int status, String body) {}

    static Response get(InetSocketAddress http, String path, String host, int timeoutMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(http, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(ISO_8859_1));
            InputStream in = new BufferedInputStream(s.getInputStream());
            String head = head(in);
            int status = head.startsWith("HTTP/1.1 ") && head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : -1;
            // Read the body by its length (or chunks): the server may keep the connection open
            // after the response, whatever the request asked, until its idle timeout.
            String lower = head.toLowerCase(java.util.Locale.ROOT);
            int cl = lower.indexOf("\r\ncontent-length:");
            byte[] body;
            if (cl >= 0) {
                int eol = lower.indexOf("\r\n", cl + 2);
                body = in.readNBytes(Integer.parseInt(head.substring(cl + 17, eol < 0 ? head.length() : eol).strip()));
            } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
                body = chunks(in);
            } else {
                body = in.readNBytes(8 << 20);
            }
            return new Response(status, new String(body, UTF_8));
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        for (int b; head.size() < 65536 && (b = in.read()) >= 0; ) {
            head.write(b);
            if (b == '\n' && head.toString(ISO_8859_1).endsWith("\r\n\r\n")) break;
        }
        return head.toString(ISO_8859_1);
    }

    private static byte[] chunks(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (body.size() < (8 << 20)) {
            StringBuilder size = new StringBuilder();
            for (int b; (b = in.read()) >= 0 && b != '\n'; ) if (b != '\r') size.append((char) b);
            int semi = size.indexOf(";");
            int n = Integer.parseInt((semi < 0 ? size.toString() : size.substring(0, semi)).strip(), 16);
            if (n == 0) break;
            body.write(in.readNBytes(n));
            in.readNBytes(2); // the chunk's CRLF
        }
        return body.toByteArray();
    }

    /** {@code GET path} with the listener's own address as the Host. */
    static Response get(InetSocketAddress http, String path, int timeoutMillis) throws IOException {
        return get(http, path, host(http), timeoutMillis);
    }

    static String host(InetSocketAddress http) {
        return http.getHostString() + ":" + http.getPort();
    }

    /**
     * The figures of {@code /metrics} (text format: {@code name{labels} value}), by name with its
     * labels; empty when there is no HTTP side or it does not answer.
     */
    static Map<String, Double> metrics(InetSocketAddress http) {
        Map<String, Double> m = new HashMap<>();
        if (http == null) return m;
        try {
            Response r = get(http, "/metrics", 10_000);
            for (String l : r.body().split("\n")) {
                int sp = l.lastIndexOf(' ');
                if (l.startsWith("#") || sp < 0) continue;
                try {
                    m.put(l.substring(0, sp), Double.parseDouble(l.substring(sp + 1).strip()));
                } catch (NumberFormatException ignored) {
                    // not a sample line
                }
            }
        } catch (IOException ignored) {
            // no figures
        }
        return m;
    }
}
