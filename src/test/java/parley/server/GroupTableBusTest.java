package parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The group table with a bus that shares groups: the bus says when a new group may be joined
 * ({@link GroupBus#ready}), joiners wait for it outside the table's lock, and a group is not
 * removed while a joiner waits, even when a member who came later has already left. The table
 * keeps no bus state in the group itself.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupTableBusTest {
    private Chat chat;

    /** A bus that loads each group until told, and lets waiting joiners go when told. */
    static final class LoadingBus implements GroupBus {
        volatile boolean loaded;
        final CountDownLatch letJoinersGo = new CountDownLatch(1);
        final List<Group> created = new CopyOnWriteArrayList<>();
        final List<Group> removed = new CopyOnWriteArrayList<>();
        final List<Group> waitedFor = new CopyOnWriteArrayList<>();

        @Override
        public boolean sharesGroups() {
            return true;
        }

        @Override
        public String post(Group group, String groupName, String message, String from, Consumer<String> errors) {
            return "not here";
        }

        @Override
        public void created(Group group) {
            created.add(group);
        }

        @Override
        public boolean ready(Group group) {
            return loaded;
        }

        @Override
        public boolean awaitReady(Group group, long millis) {
            waitedFor.add(group);
            try {
                return letJoinersGo.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void removed(Group group) {
            removed.add(group);
        }
    }

    @AfterEach
    void stop() {
        if (chat != null) chat.close();
    }

    @Test
    void aJoinerWaitsForTheBusAndKeepsTheGroupWhileItWaits() {
        LoadingBus bus = new LoadingBus();
        chat = Chat.start(ServerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0)), bus, null);
        GroupTable table = chat.groups();
        Sink sink = new Sink() {
            @Override
            public void write(byte[] buf, int off, int len) {}

            @Override
            public void close() {}
        };
        Session first = chat.newSession(sink, () -> { }, "first");
        Session later = chat.newSession(sink, () -> { }, "later");

        AtomicReference<GroupTable.Membership> joined = new AtomicReference<>();
        Thread joiner = Thread.ofVirtual().start(() -> joined.set(table.join("g", first, () -> { }, 0)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !bus.waitedFor.isEmpty());
        Group g = table.get("g");
        assertThat(bus.created).containsExactly(g);
        assertThat(g.members()).as("nobody subscribes before the bus is ready").isZero();

        // The bus is ready now; a later joiner gets in at once and leaves while the first still waits.
        bus.loaded = true;
        GroupTable.Membership m = table.join("g", later, () -> { }, 0);
        assertThat(m.group()).isSameAs(g);
        table.leave(m, later);
        assertThat(table.get("g")).as("kept for the joiner still waiting").isSameAs(g);
        assertThat(bus.removed).isEmpty();

        bus.letJoinersGo.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> joined.get() != null);
        assertThat(joined.get().group()).isSameAs(g);
        assertThat(g.members()).isEqualTo(1);
        table.leave(joined.get(), first);
        assertThat(table.get("g")).isNull();
        assertThat(bus.removed).containsExactly(g);
        assertThat(joiner.isAlive()).isFalse();
    }

    @Test
    void theLocalBusSharesNothingAndEveryGroupIsReadyAtOnce() {
        chat = Chat.start(ServerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0)), GroupBus.LOCAL, null);
        assertThat(GroupBus.LOCAL.sharesGroups()).isFalse();
        Session s = chat.newSession(new Sink() {
            @Override
            public void write(byte[] buf, int off, int len) {}

            @Override
            public void close() {}
        }, () -> { }, "s");
        GroupTable.Membership m = chat.groups().join("g", s, () -> { }, 0);
        assertThat(m.group().members()).isEqualTo(1);
        chat.groups().leave(m, s);
        assertThat(chat.groups().get("g")).isNull();
    }
}
