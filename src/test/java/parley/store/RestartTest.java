package parley.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.protocol.FromServer;
import parley.testing.ChildServer;
import parley.testing.TestClient;

/**
 * {@code parley server} stopped with SIGTERM and started again on the same {@code --data}: its
 * groups, messages, seqs, timestamps and epoch are all there, and the seq carries on. A book
 * client's bytes are the book's throughout.
 */
@DisplayName("a restart (SIGTERM) keeps groups, messages, seqs, ts and the epoch")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestartTest {
    @TempDir
    Path dir;

    @Test
    void restartKeepsEverything() throws Exception {
        List<FromServer.Message> before = new ArrayList<>();
        String epoch;
        try (ChildServer server = new ChildServer(List.of("--data", dir.resolve("data").toString()),
                dir.resolve("server.log"))) {
            server.start();
            try (TestClient alice = TestClient.hello(server.address(), "alice");
                    TestClient book = TestClient.connect(server.address())) {
                epoch = alice.welcome().epoch();
                assertThat(epoch).isNotBlank();
                alice.send("{\"Join\":{\"group_name\":\"dogs\"}}", "{\"Join\":{\"group_name\":\"cats\"}}");
                book.send("{\"Join\":{\"group_name\":\"dogs\"}}");
                alice.sync();
                book.sync();
                for (int i = 1; i <= 5; i++) {
                    alice.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"woof " + i + "\",\"id\":\"d" + i + "\"}}");
                }
                alice.send("{\"Post\":{\"group_name\":\"cats\",\"message\":\"meow\",\"id\":\"c1\"}}");
                // Each post's Message and its Posted (the store has it).
                List<FromServer> got = alice.until(r -> r instanceof FromServer.Posted p && p.id().equals("c1"),
                        Duration.ofSeconds(20));
                for (FromServer r : got) if (r instanceof FromServer.Message m) before.add(m);
                assertThat(got.stream().filter(r -> r instanceof FromServer.Posted).count()).isEqualTo(6);
                for (int i = 1; i <= 5; i++) {
                    book.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof " + i + "\"}}");
                }
            }
            server.stop();

            server.start();
            try (TestClient bob = TestClient.hello(server.address(), "bob")) {
                assertThat(bob.welcome().epoch()).as("the same store").isEqualTo(epoch);
                bob.send("{\"List\":{}}");
                bob.expectLine("{\"Groups\":[{\"name\":\"cats\",\"members\":0},{\"name\":\"dogs\",\"members\":0}]}");
                bob.send("{\"Join\":{\"group_name\":\"dogs\",\"history\":10}}");
                List<FromServer.Message> history = bob.messages(5, Duration.ofSeconds(10));
                assertThat(history).isEqualTo(before.stream().filter(m -> m.groupName().equals("dogs")).toList());
                bob.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"after\"}}");
                FromServer.Message after = bob.messages(1, Duration.ofSeconds(10)).getFirst();
                assertThat(after.seq()).as("the seq carries on").isEqualTo(6);
                bob.send("{\"Fetch\":{\"group_name\":\"cats\",\"limit\":5}}");
                FromServer.Message meow = bob.messages(1, Duration.ofSeconds(10)).getFirst();
                assertThat(meow).isEqualTo(before.stream().filter(m -> m.groupName().equals("cats")).findFirst().orElseThrow());
            }
            server.stop();
        }
    }
}
