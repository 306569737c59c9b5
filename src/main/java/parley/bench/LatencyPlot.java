package parley.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The latency percentile distribution as HdrHistogram's plotter draws it, written as a small
 * self-contained SVG: x is the percentile on a log scale of 1/(1-p), so 0%, 90%, 99%, 99.9%, ...
 * are equally spaced and the tail gets room; y is latency, linear from 0. One line per series
 * (a run, or a step of one), labelled in a legend.
 *
 * <p>The points are those {@code Histogram.outputPercentileDistribution} prints (its percentile
 * iteration, five ticks per half distance). The last one, 100%, has no finite 1/(1-p); it is
 * drawn at 1/(1-p) for p = 1 - 1/count, the finest percentile the samples can tell apart.
 */
final class LatencyPlot {
    static final int WIDTH = 760;
    static final int HEIGHT = 440;
    static final int LEFT = 72;
    static final int RIGHT = 40;
    static final int TOP = 40;
    static final int BOTTOM = 56;
    /** Iteration ticks per half distance to 100%, as in HdrHistogram's own percentile output. */
    static final int TICKS_PER_HALF = 5;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

    /** One line: a label and its latencies in nanoseconds. */
    record Series(String label, Histogram histogram) {}

    /** One point of a line: the percentile (0-100) and the latency there, in microseconds. */
    record Point(double percentile, double valueUs) {}

    private LatencyPlot() {}

    /** The points of a histogram's percentile distribution, in order. */
    static List<Point> points(Histogram h) {
        List<Point> out = new ArrayList<>();
        if (h.getTotalCount() == 0) return out;
        for (HistogramIterationValue v : h.percentiles(TICKS_PER_HALF)) {
            out.add(new Point(v.getPercentileLevelIteratedTo(), h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0));
        }
        return out;
    }

    /**
     * Where percentile {@code p} (0-100) lies on the x axis, in decades of 1/(1-p): 0% at 0, 90%
     * at 1, 99% at 2, 99.9% at 3. 100% is put at {@code log10(count)}.
     */
    static double decades(double p, long count) {
        double tail = 1 - p / 100;
        double floor = 1.0 / Math.max(count, 1);
        return Math.log10(1 / Math.max(tail, floor));
    }

    /** The label of the tick at {@code d} decades: 0%, 90%, 99%, 99.9%, ... */
    static String tickLabel(int d) {
        if (d == 0) return "0%";
        return java.math.BigDecimal.valueOf(100).subtract(java.math.BigDecimal.ONE.scaleByPowerOfTen(2 - d))
                .stripTrailingZeros().toPlainString() + "%";
    }

    /** The SVG of the series under {@code title}. */
    static String svg(String title, List<Series> series) {
        List<List<Point>> lines = new ArrayList<>();
        double maxDecades = 2;
        double maxUs = 0;
        for (Series s : series) {
            List<Point> pts = points(s.histogram());
            lines.add(pts);
            for (Point p : pts) {
                maxDecades = Math.max(maxDecades, decades(p.percentile(), s.histogram().getTotalCount()));
                maxUs = Math.max(maxUs, p.valueUs());
            }
        }
        Axes axes = new Axes((int) Math.ceil(maxDecades - 1e-9), Scale.of(maxUs));
        StringBuilder b = new StringBuilder(4096);
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                LEFT, escape(title)));
        axes.draw(b);
        for (int i = 0; i < lines.size(); i++) {
            line(b, axes, lines.get(i), series.get(i), COLOURS[i % COLOURS.length]);
        }
        legend(b, series);
        return b.append("</svg>\n").toString();
    }

    private static void line(StringBuilder b, Axes axes, List<Point> pts, Series s, String colour) {
        if (pts.isEmpty()) return;
        long count = s.histogram().getTotalCount();
        StringBuilder d = new StringBuilder();
        for (Point p : pts) {
            d.append(d.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f",
                    axes.x(decades(p.percentile(), count)), axes.y(p.valueUs())));
        }
        b.append(String.format(Locale.ROOT,
                "<path class=\"series\" d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"><title>%s</title></path>%n",
                d, colour, escape(s.label())));
    }

    private static void legend(StringBuilder b, List<Series> series) {
        int y = TOP + 16;
        for (int i = 0; i < series.size(); i++, y += 18) {
            b.append(String.format(Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                    LEFT + 12, y - 6, COLOURS[i % COLOURS.length], LEFT + 32, y, escape(series.get(i).label())));
        }
    }

    /**
     * The y axis's unit and top: microseconds below 10 ms, milliseconds from there; the top a
     * round 1, 2 or 5 times a power of ten, split into as many ticks as that makes (4 to 5).
     */
    record Scale(String unit, double perUnit, double top, double step) {
        static Scale of(double maxUs) {
            boolean ms = maxUs >= 10_000;
            double perUnit = ms ? 1000 : 1;
            double max = Math.max(maxUs / perUnit, 1e-9);
            double step = Math.pow(10, Math.floor(Math.log10(max / 4)));
            for (double m : new double[] {1, 2, 5, 10}) {
                if (max / (step * m) <= 5) {
                    step *= m;
                    break;
                }
            }
            return new Scale(ms ? "ms" : "us", perUnit, Math.ceil(max / step - 1e-9) * step, step);
        }
    }

    /** The plot area's axes: {@code decades} of 1/(1-p) across, {@code scale} up. */
    record Axes(int decades, Scale scale) {
        double x(double dec) {
            return LEFT + dec / decades * (WIDTH - LEFT - RIGHT);
        }

        double y(double us) {
            return HEIGHT - BOTTOM - us / scale.perUnit() / scale.top() * (HEIGHT - TOP - BOTTOM);
        }

        void draw(StringBuilder b) {
            int x0 = LEFT;
            int x1 = WIDTH - RIGHT;
            int y0 = HEIGHT - BOTTOM;
            b.append("<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n");
            for (int d = 0; d <= decades; d++) {
                b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>%n", x(d), TOP,
                        x(d), y0));
            }
            int ticks = (int) Math.round(scale.top() / scale.step());
            for (int i = 0; i <= ticks; i++) {
                double y = y(i * scale.step() * scale.perUnit());
                b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>%n", x0, y, x1, y));
            }
            b.append("</g>\n<g class=\"axes\" stroke=\"black\" stroke-width=\"1\">\n");
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n", x0, y0, x1, y0));
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n", x0, TOP, x0, y0));
            b.append("</g>\n<g class=\"x-labels\" text-anchor=\"middle\">\n");
            for (int d = 0; d <= decades; d++) {
                b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n", x(d), y0 + 18, tickLabel(d)));
            }
            b.append("</g>\n<g class=\"y-labels\" text-anchor=\"end\">\n");
            for (int i = 0; i <= ticks; i++) {
                double v = i * scale.step();
                b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\">%s</text>%n", x0 - 6,
                        y(v * scale.perUnit()) + 4, number(v)));
            }
            b.append("</g>\n");
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
                    (x0 + x1) / 2, HEIGHT - 14));
            b.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" "
                    + "transform=\"rotate(-90 16 %d)\">latency (%s)</text>%n", (TOP + y0) / 2, (TOP + y0) / 2, scale.unit()));
        }

        private static String number(double v) {
            return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : Fmt.percent(v);
        }
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
