package parley.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class LatencyPlotTest {

    /** Latencies of 1, 2, ... n microseconds, once each. */
    private static Histogram uniform(int n, int scale) {
        Histogram h = new Histogram(LatencyRecorder.HIGHEST, 3);
        for (int i = 1; i <= n; i++) h.recordValue(i * 1000L * scale);
        return h;
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> texts(Document d, String groupClass) {
        List<String> out = new ArrayList<>();
        NodeList groups = d.getElementsByTagName("g");
        for (int i = 0; i < groups.getLength(); i++) {
            Element g = (Element) groups.item(i);
            if (!g.getAttribute("class").equals(groupClass)) continue;
            NodeList t = g.getElementsByTagName("text");
            for (int j = 0; j < t.getLength(); j++) out.add(t.item(j).getTextContent());
        }
        return out;
    }

    @Test
    void percentilesAreDecadesOfOneOverOneMinusP() {
        assertThat(LatencyPlot.decades(0, 1000)).isEqualTo(0.0);
        assertThat(LatencyPlot.decades(90, 1000)).isCloseTo(1.0, within(1e-9));
        assertThat(LatencyPlot.decades(99, 1000)).isCloseTo(2.0, within(1e-9));
        assertThat(LatencyPlot.decades(99.9, 100_000)).isCloseTo(3.0, within(1e-9));
        // 100% has no finite 1/(1-p): it goes where 1 - 1/count would.
        assertThat(LatencyPlot.decades(100, 1000)).isCloseTo(3.0, within(1e-9));
        assertThat(List.of(LatencyPlot.tickLabel(0), LatencyPlot.tickLabel(1), LatencyPlot.tickLabel(2),
                LatencyPlot.tickLabel(3), LatencyPlot.tickLabel(6)))
                .containsExactly("0%", "90%", "99%", "99.9%", "99.9999%");
    }

    @Test
    void pointsAreTheHistogramsPercentiles() {
        List<LatencyPlot.Point> pts = LatencyPlot.points(uniform(1000, 1));
        assertThat(pts.getFirst().percentile()).isEqualTo(0.0);
        assertThat(pts.getLast().percentile()).isEqualTo(100.0);
        assertThat(pts.getLast().valueUs()).isCloseTo(1000, within(1.0));
        LatencyPlot.Point p90 = pts.stream().filter(p -> p.percentile() == 90).findFirst().orElseThrow();
        assertThat(p90.valueUs()).isCloseTo(900, within(1.0));
        for (int i = 1; i < pts.size(); i++) {
            assertThat(pts.get(i).percentile()).isGreaterThanOrEqualTo(pts.get(i - 1).percentile());
            assertThat(pts.get(i).valueUs()).isGreaterThanOrEqualTo(pts.get(i - 1).valueUs());
        }
    }

    @Test
    void anSvgWithAxesGridLegendAndOnePathPerSeries() throws Exception {
        String svg = LatencyPlot.svg("three <runs> & a title", List.of(
                new LatencyPlot.Series("tcp, 1000 posts/s", uniform(1000, 1)),
                new LatencyPlot.Series("tls, 1000 posts/s", uniform(1000, 2)),
                new LatencyPlot.Series("ws, 1000 posts/s", uniform(1000, 3))));
        Document d = parse(svg); // well-formed XML, or this throws
        assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(d.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");

        NodeList paths = d.getElementsByTagName("path");
        assertThat(paths.getLength()).isEqualTo(3);
        assertThat(((Element) paths.item(1)).getElementsByTagName("title").item(0).getTextContent())
                .isEqualTo("tls, 1000 posts/s");

        // Two axis lines; x ticks at each decade up to 99.9% (1000 samples); y from 0 in microseconds.
        NodeList groups = d.getElementsByTagName("g");
        int axisLines = 0;
        for (int i = 0; i < groups.getLength(); i++) {
            Element g = (Element) groups.item(i);
            if (g.getAttribute("class").equals("axes")) axisLines = g.getElementsByTagName("line").getLength();
        }
        assertThat(axisLines).isEqualTo(2);
        assertThat(texts(d, "x-labels")).containsExactly("0%", "90%", "99%", "99.9%");
        List<String> y = texts(d, "y-labels");
        assertThat(y).startsWith("0").hasSizeBetween(3, 7);
        assertThat(Double.parseDouble(y.getLast())).isGreaterThanOrEqualTo(3000); // the slowest series fits
        assertThat(svg).contains("latency (us)").contains(">percentile<").contains("three &lt;runs&gt; &amp; a title");
        assertThat(svg).contains(">ws, 1000 posts/s</text>"); // the legend
    }

    @Test
    void eachPointIsDrawnWhereItsPercentileAndLatencyBelong() throws Exception {
        Histogram h = uniform(1000, 1);
        String svg = LatencyPlot.svg("one", List.of(new LatencyPlot.Series("tcp", h)));
        String d = ((Element) parse(svg).getElementsByTagName("path").item(0)).getAttribute("d");
        String[] coords = d.replace("M", "").replace("L", "").trim().split("\\s+");
        List<LatencyPlot.Point> pts = LatencyPlot.points(h);
        assertThat(coords).hasSize(2 * pts.size());

        LatencyPlot.Scale scale = LatencyPlot.Scale.of(pts.getLast().valueUs());
        LatencyPlot.Axes axes = new LatencyPlot.Axes(3, scale);
        double plotWidth = LatencyPlot.WIDTH - LatencyPlot.LEFT - LatencyPlot.RIGHT;
        double plotHeight = LatencyPlot.HEIGHT - LatencyPlot.TOP - LatencyPlot.BOTTOM;
        for (int i = 0; i < pts.size(); i++) {
            double x = Double.parseDouble(coords[2 * i]);
            double y = Double.parseDouble(coords[2 * i + 1]);
            assertThat(x).isCloseTo(axes.x(LatencyPlot.decades(pts.get(i).percentile(), 1000)), within(0.06));
            assertThat(y).isCloseTo(axes.y(pts.get(i).valueUs()), within(0.06));
        }
        // The 90% point: one decade of three across, at 900 us up an axis that goes to scale.top() us.
        int i90 = pts.indexOf(pts.stream().filter(p -> p.percentile() == 90).findFirst().orElseThrow());
        assertThat(Double.parseDouble(coords[2 * i90])).isCloseTo(LatencyPlot.LEFT + plotWidth / 3, within(0.06));
        assertThat(Double.parseDouble(coords[2 * i90 + 1]))
                .isCloseTo(LatencyPlot.HEIGHT - LatencyPlot.BOTTOM - 900 / scale.top() * plotHeight, within(0.5));
    }

    @Test
    void theYAxisSwitchesToMillisecondsAndRoundsItsTop() {
        assertThat(LatencyPlot.Scale.of(1000)).isEqualTo(new LatencyPlot.Scale("us", 1, 1000, 200));
        LatencyPlot.Scale ms = LatencyPlot.Scale.of(23_456);
        assertThat(ms.unit()).isEqualTo("ms");
        assertThat(ms.top()).isEqualTo(25);
        assertThat(ms.step()).isEqualTo(5);
    }
}
