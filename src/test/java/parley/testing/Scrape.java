package parley.testing;

import java.util.HashMap;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Reads {@code /metrics} (or any URL of the HTTP side) with the JDK's HTTP client, as Prometheus
 * would, and parses the text format into {@code series -> value}, where a series is the metric
 * name with its labels as printed: {@code parley_errors_total{kind="post_rate"}}.
 */
public final class Scrape {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, Double> values;
    private final String text;
    private final String contentType;

    private Scrape(String text, String contentType) {
        this.text = text;
        this.contentType = contentType;
        this.values = parse(text);
    }

    public static Scrape metrics(int httpPort) throws IOException, InterruptedException {
        HttpResponse<String> r = get(httpPort, "/metrics");
        if (r.statusCode() != 200) throw new IOException("/metrics answered " + r.statusCode());
        return new Scrape(r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    public static HttpResponse<String> get(int httpPort, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int sp = line.lastIndexOf(' ');
            out.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        }
        return out;
    }

    /** The value of a series; fails if the server does not export it. */
    public double value(String series) {
        Double v = values.get(series);
        if (v == null) throw new AssertionError("no series " + series + " in /metrics:\n" + text);
        return v;
    }

    public long count(String series) {
        return Math.round(value(series));
    }

    public String text() {
        return text;
    }

    public String contentType() {
        return contentType;
    }
}
