package parley.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A receiver's requested backlog is read from retention when sends push it out of the lag window. */
@Timeout(10)
class BroadcastHistoryTest {

    private static void send(Broadcast<String> b, int from, int to) {
        for (int i = from; i < to; i++) b.send("v" + i);
    }

    @Test
    void backlogAtTheCapacityDoesNotLagOnTheNextSend() {
        Broadcast<String> b = new Broadcast<>(3, 10, Long.MAX_VALUE, v -> 1);
        send(b, 0, 5);
        Receiver<String> r = b.subscribe(null, 3); // 2, 3, 4: exactly the lag window
        send(b, 5, 7); // the window is now 4, 5, 6, but 2 and 3 are still retained
        for (long s = 2; s < 7; s++) assertThat(r.poll()).isEqualTo(new Entry<>(s, "v" + s));
        assertThat(r.poll()).isInstanceOf(Received.Empty.class);
    }

    @Test
    void liveValuesStillLagPastTheCapacity() {
        Broadcast<String> b = new Broadcast<>(3, 10, Long.MAX_VALUE, v -> 1);
        send(b, 0, 5);
        Receiver<String> r = b.subscribe(null, 3);
        send(b, 5, 10); // window 7, 8, 9; the backlog 2..4 is retained, live 5 and 6 are behind the window
        for (long s = 2; s < 5; s++) assertThat(r.poll()).isEqualTo(new Entry<>(s, "v" + s));
        assertThat(r.poll()).isEqualTo(new Received.Lagged<String>(2, 7));
        for (long s = 7; s < 10; s++) assertThat(r.poll()).isEqualTo(new Entry<>(s, "v" + s));
    }

    @Test
    void backlogNoLongerRetainedLagsExactly() {
        Broadcast<String> b = new Broadcast<>(3, 10, 0, v -> 1); // nothing kept beyond the window
        send(b, 0, 5);
        Receiver<String> r = b.subscribe(null, 3);
        send(b, 5, 7);
        assertThat(r.poll()).isEqualTo(new Received.Lagged<String>(2, 4));
        for (long s = 4; s < 7; s++) assertThat(r.poll()).isEqualTo(new Entry<>(s, "v" + s));
    }
}
