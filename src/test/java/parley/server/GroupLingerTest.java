package parley.server;

import parley.testing.Harness;
import parley.testing.TestClient;
import parley.net.ChatServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static parley.testing.TestClient.errorLine;
import static parley.testing.TestClient.postLine;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --group-linger}: a group outlives its last member for that long, with its history and its
 * seq, as the book's groups outlive theirs (forever); with none, the default, it goes at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GroupLingerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static String message(String group, String text, String from, long seq) {
        return "{\"Message\":{\"group_name\":\"" + group + "\",\"message\":\"" + text + "\""
                + (from == null ? "" : ",\"from\":\"" + from + "\"") + ",\"seq\":" + seq + "}}";
    }

    @Test
    void anEmptiedGroupKeepsItsHistoryAndSeqAndTakesPostsUntilTheLingerEnds() throws Exception {
        ServerConfig config = Harness.loopback().toBuilder().groupLinger(Duration.ofMillis(1500)).build();
        try (ChatServer server = ChatServer.start(config)) {
            try (TestClient alice = TestClient.hello(server.address(), "alice")) {
                alice.join("room");
                alice.post("room", "m1");
                alice.post("room", "m2");
                alice.expectLine(message("room", "m1", "alice", 1));
                alice.expectLine(message("room", "m2", "alice", 2));
            }
            await().atMost(WAIT).until(() -> server.groups().get("room") != null
                    && server.groups().get("room").members() == 0);
            assertThat(server.groups().lingering()).isEqualTo(1);

            // A book connection that never joined posts to the emptied group: no Error, as in the book.
            try (TestClient book = TestClient.connect(server); TestClient bob = TestClient.hello(server.address(), "bob")) {
                book.send(postLine("room", "m3"));
                Harness.awaitPosted(server, "room", 3);
                book.expectNoLineWithin(Duration.ofMillis(200));
                // A late joiner gets what it missed, and the seq carries on.
                bob.send("{\"Join\":{\"group_name\":\"room\",\"history\":10}}", postLine("room", "m4"));
                bob.expectLine(message("room", "m1", "alice", 1));
                bob.expectLine(message("room", "m2", "alice", 2));
                bob.expectLine(message("room", "m3", null, 3));
                bob.expectLine("{\"Fetched\":{\"group_name\":\"room\",\"count\":3,\"oldest\":1,\"newest\":3}}");
                bob.expectLine(message("room", "m4", "bob", 4));
                assertThat(server.groups().lingering()).as("a member again: no longer lingering").isZero();
            }
            // Empty again, then past the linger: gone, and a post to it is refused as before.
            await().atMost(WAIT).until(() -> server.groups().get("room") == null);
            assertThat(server.groups().lingering()).isZero();
            try (TestClient book = TestClient.connect(server)) {
                book.send(postLine("room", "late"));
                book.expectLine(errorLine("Group 'room' does not exist"));
            }
        }
    }

    @Test
    void withoutALingerAGroupGoesWithItsLastMember() throws Exception {
        try (ChatServer server = ChatServer.start(Harness.loopback())) {
            assertThat(server.config().groupLinger()).isZero();
            try (TestClient alice = TestClient.connect(server)) {
                alice.join("brief");
                Harness.awaitMembers(server, "brief", 1);
            }
            await().atMost(WAIT).until(() -> server.groups().get("brief") == null);
            assertThat(server.groups().lingering()).isZero();
        }
    }
}
