package parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.server.Store;
import parley.store.SqliteStore;
import parley.store.StoreOptions;

/** The store's meters on /metrics: present with a store, absent without. */
class StoreMetricsTest {
    @TempDir
    Path dir;

    @Test
    void storeMetersAreScraped() throws Exception {
        try (SqliteStore s = SqliteStore.open(StoreOptions.defaults(dir, 10))) {
            s.append("g", 1, 1, "ann", "hello", null, null);
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            s.afterQueued(new Store.Ack() {
                @Override public void stored() { done.countDown(); }
                @Override public void failed(String why) { done.countDown(); }
            });
            done.await();
            PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            MetricsRoutes.bindStore(r, s);
            String text = r.scrape();
            assertThat(text).contains("parley_store_posts_stored_total 1.0", "parley_store_batches_total 1.0",
                    "parley_store_queue_capacity 4096.0", "parley_store_disk_bytes",
                    "parley_store_errors_total{kind=\"disk_full\"} 0.0", "parley_store_replaced_corrupt 0.0",
                    "parley_store_commit_seconds_total", "parley_store_retention_deleted_total 0.0");
        }
        PrometheusMeterRegistry none = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsRoutes.bindStore(none, Store.NONE);
        assertThat(none.scrape()).doesNotContain("parley_store");
    }
}
