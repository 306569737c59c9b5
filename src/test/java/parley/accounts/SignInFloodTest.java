package parley.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.net.ChatServer;
import parley.protocol.FromServer;
import parley.server.GroupBus;
import parley.server.SignIn;
import parley.server.Store;
import parley.testing.Harness;
import parley.testing.TestClient;

/**
 * Hashing is bounded: with the pool's thread busy and its queue full, a sign-in gets "server busy"
 * at once, and chat on other connections goes on meanwhile.
 */
@DisplayName("sign-in flood")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignInFloodTest {

    @Test
    @DisplayName("a full hashing pool answers server busy; posts still flow")
    void busy() throws Exception {
        HashPool pool = new HashPool(1, 1);
        AccountBook book = new AccountBook(new MemoryAccountRecords(), new PasswordHasher(PasswordHasher.Params.DEFAULT), pool);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        // One task on the pool's thread and one in its queue: the pool is full.
        Thread.ofVirtual().start(() -> run(pool, () -> {
            running.countDown();
            release.await();
            return null;
        }));
        running.await();
        Thread.ofVirtual().start(() -> run(pool, () -> null));
        try (ChatServer server = ChatServer.start(Harness.loopback(), GroupBus.LOCAL, Store.NONE, null, null,
                new SignIn(book, null, true, false))) {
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.address().getPort());
            Thread.sleep(100); // the second task reaches the queue
            try (TestClient signer = TestClient.connect(at); TestClient chat = TestClient.connect(at)) {
                signer.send(AccountsTest.register("mia", "mia's password"));
                signer.expectLine("{\"Error\":\"server busy: too many sign-ins in progress; try again shortly\"}");
                chat.join("dogs").post("dogs", "still chatting");
                assertThat(chat.readLine(Duration.ofSeconds(10)))
                        .isEqualTo("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"still chatting\"}}");
                release.countDown();
                Thread.sleep(200); // the pool's thread wakes and drains its queue
                // Once the pool drains, the same request succeeds.
                signer.send(AccountsTest.register("mia", "mia's password"));
                FromServer reply = signer.nextReply(Duration.ofSeconds(10));
                assertThat(reply).isInstanceOf(FromServer.Welcome.class);
            }
        } finally {
            release.countDown();
            pool.close();
        }
    }

    private static void run(HashPool pool, java.util.concurrent.Callable<Object> work) {
        try {
            pool.run(work);
        } catch (HashPool.Busy e) {
            throw new AssertionError("the pool was expected to take this task", e);
        }
    }
}
