package parley.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MemoryBudgetTest {

    @Test
    void lendsUpToItsLimitAndRefusesBeyondCountingRefusals() {
        MemoryBudget b = new MemoryBudget("lines", 100);
        assertThat(b.tryReserve(60)).isTrue();
        assertThat(b.tryReserve(41)).isFalse();
        assertThat(b.tryReserve(40)).isTrue();
        assertThat(b.used()).isEqualTo(100);
        assertThat(b.tryReserve(1)).isFalse();
        assertThat(b.refusals()).isEqualTo(2);
        b.release(60);
        assertThat(b.used()).isEqualTo(40);
        assertThat(b.tryReserve(60)).isTrue();
    }

    @Test
    void releasingMoreThanWasReservedIsABug() {
        MemoryBudget b = new MemoryBudget("replies", 10);
        b.tryReserve(5);
        assertThatThrownBy(() -> b.release(6)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.tryReserve(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Timeout(30)
    void manyThreadsNeverOverdrawIt() throws InterruptedException {
        MemoryBudget b = new MemoryBudget("rings", 1000);
        AtomicLong peak = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    if (b.tryReserve(7)) {
                        peak.accumulateAndGet(b.used(), Math::max);
                        b.release(7);
                    }
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) t.join();
        assertThat(peak.get()).isBetween(7L, 1000L);
        assertThat(b.used()).isZero();
    }

    @Test
    void theServersBudgetsAreSharesOfItsMemory() {
        Budgets b = Budgets.of(1L << 30);
        long sum = b.all().stream().mapToLong(MemoryBudget::limit).sum();
        assertThat(sum).isLessThanOrEqualTo((1L << 30) * 80 / 100).isGreaterThan((1L << 30) * 70 / 100);
        assertThat(b.all()).extracting(MemoryBudget::name)
                .containsExactly("lines", "replies", "rings", "fragments", "reads");
        assertThat(Budgets.unlimited().rings().tryReserve(Long.MAX_VALUE / 2)).isTrue();
    }
}
