package parley.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import parley.server.Store;

/** Records what acks were told, in order, for tests. */
final class Acks {
    final List<String> told = new CopyOnWriteArrayList<>();
    private final CountDownLatch all;

    Acks(int expected) {
        all = new CountDownLatch(expected);
    }

    Store.Ack ack(String name) {
        return new Store.Ack() {
            @Override public void stored() {
                told.add(name + ":stored");
                all.countDown();
            }

            @Override public void failed(String why) {
                told.add(name + ":failed:" + why);
                all.countDown();
            }
        };
    }

    boolean await() throws InterruptedException {
        return all.await(20, TimeUnit.SECONDS);
    }
}
