package parley.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The writer role's transitions one step at a time, on one thread where possible; the races
 * between them are jcstress's (src/jcstress/java/parley/jcstress/Role*.java).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WriterRoleTest {
    private final WriterRole role = new WriterRole();

    /** The writer thread's life up to parked: started by a signal, drained, parked. */
    private void parkedWriter() {
        assertThat(role.signal()).isTrue();
        assertThat(role.begin()).isTrue();
        assertThat(role.park()).isTrue();
    }

    @Test
    void aSignalToAFreeRoleAsksForAWriterOnce() {
        assertThat(role).hasToString("IDLE");
        assertThat(role.signal()).isTrue();
        assertThat(role).hasToString("DIRTY");
        assertThat(role.signal()).isFalse(); // already signalled: one writer is enough
        assertThat(role.begin()).isTrue();
        assertThat(role).hasToString("RUNNING");
        assertThat(role.signal()).isFalse();
        assertThat(role).hasToString("DIRTY"); // the running writer must look again
    }

    @Test
    void aWriterSignalledWhileDrainingDoesNotPark() {
        role.signal();
        role.begin();
        role.signal();
        assertThat(role.park()).isFalse();
        assertThat(role.begin()).isTrue();
        assertThat(role.park()).isTrue();
        assertThat(role.isParked()).isTrue();
    }

    @Test
    void aSignalToAParkedWriterWakesItInsteadOfStartingAnother() {
        parkedWriter();
        assertThat(role.signal()).isFalse();
        assertThat(role).hasToString("DIRTY");
        assertThat(role.awaitWorkOrRetire()).isFalse(); // returns at once: there is work
    }

    @Test
    void aParkedWriterWokenFromAnotherThreadGoesBackToWork() throws Exception {
        AtomicBoolean retire = new AtomicBoolean(true);
        Thread writer = Thread.ofVirtual().start(() -> {
            role.enter();
            role.begin();
            role.park();
            retire.set(role.awaitWorkOrRetire());
        });
        while (!role.isParked()) Thread.onSpinWait();
        role.signal();
        writer.join(Duration.ofSeconds(10));
        assertThat(writer.isAlive()).isFalse();
        assertThat(retire.get()).isFalse();
    }

    @Test
    void onlyTheFreeRoleCanBeTakenInline() {
        assertThat(role.tryAcquireInline()).isTrue();
        assertThat(role.tryAcquireInline()).isFalse();
        assertThat(role.signal()).isFalse(); // held inline: no writer started ...
        assertThat(role.releaseInline()).isFalse(); // ... so the holder must start one itself
        assertThat(role.begin()).isTrue();
        assertThat(role.tryAcquireInline()).isFalse();
    }

    @Test
    void anInlineTurnWithoutASignalFreesTheRole() {
        assertThat(role.tryAcquireInline()).isTrue();
        assertThat(role.releaseInline()).isTrue();
        assertThat(role).hasToString("IDLE");
        assertThat(role.signal()).isTrue();
    }

    @Test
    void aParkedWriterAskedToRetireFreesTheRole() {
        parkedWriter();
        role.retireWhenParked();
        assertThat(role.awaitWorkOrRetire()).isTrue();
        assertThat(role.tryRetire()).isTrue();
        assertThat(role).hasToString("IDLE");
        assertThat(role.tryAcquireInline()).isTrue();
    }

    @Test
    void aSignalBeforeTheRetireKeepsTheWriter() {
        parkedWriter();
        role.retireWhenParked();
        assertThat(role.awaitWorkOrRetire()).isTrue();
        assertThat(role.signal()).isFalse();
        assertThat(role.tryRetire()).isFalse(); // carry on as the writer
        assertThat(role.begin()).isTrue();
    }

    @Test
    void housekeepingRetiresAParkedWriterThread() throws Exception {
        AtomicBoolean retired = new AtomicBoolean();
        Thread writer = Thread.ofVirtual().start(() -> {
            role.enter();
            role.begin();
            role.park();
            retired.set(role.awaitWorkOrRetire() && role.tryRetire());
        });
        while (!role.isParked()) Thread.onSpinWait();
        role.retire();
        writer.join(Duration.ofSeconds(10));
        assertThat(retired.get()).isTrue();
        assertThat(role).hasToString("IDLE");
    }

    @Test
    void closeIsFinalAndEndsAParkedWriter() throws Exception {
        AtomicBoolean ended = new AtomicBoolean();
        Thread writer = Thread.ofVirtual().start(() -> {
            role.enter();
            role.begin();
            role.park();
            role.awaitWorkOrRetire();
            ended.set(!role.begin());
        });
        while (!role.isParked()) Thread.onSpinWait();
        role.close();
        writer.join(Duration.ofSeconds(10));
        assertThat(ended.get()).isTrue();
        assertThat(role.isClosed()).isTrue();
        assertThat(role.signal()).isFalse();
        assertThat(role.tryAcquireInline()).isFalse();
        assertThat(role.park()).isFalse();
        assertThat(role).hasToString("CLOSED");
    }
}
