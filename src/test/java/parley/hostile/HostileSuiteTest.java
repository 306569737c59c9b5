package parley.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The separate-process hostile suite in its short form: every attack of {@code parley hostile}
 * for 3 s against a child-process server with {@code --max-memory 256m}. The server's RSS stays
 * under the budget plus the JVM's overhead throughout (and every other check of the suite holds).
 * Long: {@code ./parley test -P long-tests -Dtest=HostileSuiteTest}.
 */
@Tag("long")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HostileSuiteTest {
    private static final long BUDGET = 256L << 20;
    /** The suite's default --rss-overhead (docs/reliability.md, "The hostile suite"). */
    private static final long OVERHEAD = 150L << 20;

    @Test
    void everyAttackKeepsRssUnderTheBudgetPlusOverheadAndGetsTheDocumentedAnswer() throws Exception {
        Limits limits = new Limits(BUDGET, OVERHEAD, 96L << 20, 3000);
        Hostile.Settings settings = new Hostile.Settings(Duration.ofSeconds(3), null, Set.of(), "256m", limits,
                parley.testing.ChildServer.classPath());
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Hostile suite = new Hostile(settings, new PrintStream(text, true, StandardCharsets.UTF_8));
        int code = suite.run();
        String report = text.toString(StandardCharsets.UTF_8);
        System.out.println(report);

        List<Row> rows = suite.rows();
        assertThat(rows).hasSize(Attack.all(null).size() + 1);
        for (Row r : rows) {
            assertThat(r.skipped()).as(r.attack()).isNull();
            assertThat(r.figures().rssBefore()).as(r.attack() + ": RSS is read").isPositive();
            assertThat(r.figures().rssPeak()).as(r.attack() + ": RSS peak").isLessThanOrEqualTo(BUDGET + OVERHEAD);
        }
        assertThat(code).as(report).isZero();
    }

}
