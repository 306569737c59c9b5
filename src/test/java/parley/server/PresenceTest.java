package parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.net.ChatServer;
import parley.testing.Harness;
import parley.testing.TestClient;

/** Joined and Left: who is told, in what order, and where presence stops (the presence limit). */
@DisplayName("Presence: Joined and Left")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PresenceTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private ChatServer server;

    private void start(ServerConfig config) throws IOException {
        server = ChatServer.start(config.withAddress(new InetSocketAddress("127.0.0.1", 0)));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) c.close();
        if (server != null) server.close();
    }

    private TestClient hello(String name) throws IOException {
        TestClient c = TestClient.hello(server.address(), name).seePresence();
        toClose.add(c);
        return c;
    }

    private TestClient book() throws IOException {
        TestClient c = TestClient.connect(server.address()).seePresence();
        toClose.add(c);
        return c;
    }

    private static String joined(String group, String name) {
        return "{\"Joined\":{\"group_name\":\"" + group + "\",\"name\":\"" + name + "\"}}";
    }

    private static String left(String group, String name) {
        return "{\"Left\":{\"group_name\":\"" + group + "\",\"name\":\"" + name + "\"}}";
    }

    @Test
    @DisplayName("members see Joined before the joiner's first message, Left on leave and on disconnect; book connections see none")
    void joinedThenMessageThenLeft() throws Exception {
        start(ServerConfig.defaults());
        TestClient alice = hello("alice");
        TestClient book = book();
        alice.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        book.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        Harness.awaitMembers(server, "dogs", 2);
        TestClient bob = hello("bob");
        // One write: the Join and the first post race nothing but each other.
        bob.send("{\"Join\":{\"group_name\":\"dogs\"}}", "{\"Post\":{\"group_name\":\"dogs\",\"message\":\"woof\"}}");
        alice.expectLine(joined("dogs", "bob"));
        alice.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof\",\"from\":\"bob\",\"seq\":1}}");
        bob.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof\",\"from\":\"bob\",\"seq\":1}}");
        bob.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"bye\"}}", "{\"Leave\":{\"group_name\":\"dogs\"}}");
        alice.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"bye\",\"from\":\"bob\",\"seq\":2}}");
        alice.expectLine(left("dogs", "bob"));
        // A disconnect is a Left too.
        TestClient carol = hello("carol");
        carol.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        alice.expectLine(joined("dogs", "carol"));
        carol.close();
        alice.expectLine(left("dogs", "carol"));
        // The book connection saw only the messages, byte for byte the book's.
        book.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof\"}}");
        book.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"bye\"}}");
        book.expectNoLineWithin(Duration.ofMillis(300));
        assertThat(server.chat().metrics().presenceSent()).isEqualTo(4);
    }

    @Test
    @DisplayName("a rename is a Left for the old name and a Joined for the new; a first Hello after joining is a Joined")
    void renames() throws Exception {
        start(ServerConfig.defaults());
        TestClient alice = hello("alice");
        alice.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        Harness.awaitMembers(server, "dogs", 1);
        TestClient quiet = book();
        quiet.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        Harness.awaitMembers(server, "dogs", 2);
        alice.expectNoLineWithin(Duration.ofMillis(200)); // a book connection joining is not presence
        quiet.send("{\"Hello\":{\"name\":\"bob\"}}");
        quiet.readLine(); // Welcome
        alice.expectLine(joined("dogs", "bob"));
        quiet.send("{\"Hello\":{\"name\":\"robert\"}}");
        alice.expectLine(left("dogs", "bob"));
        alice.expectLine(joined("dogs", "robert"));
    }

    @Test
    @DisplayName("above the presence limit a group sends no presence")
    void presenceLimit() throws Exception {
        start(ServerConfig.builder().presenceLimit(2).build());
        TestClient alice = hello("alice");
        alice.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        Harness.awaitMembers(server, "dogs", 1);
        TestClient bob = hello("bob");
        bob.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        alice.expectLine(joined("dogs", "bob"));
        TestClient carol = hello("carol");
        carol.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        Harness.awaitMembers(server, "dogs", 3);
        alice.expectNoLineWithin(Duration.ofMillis(300));
        bob.expectNoLineWithin(Duration.ofMillis(10));
        alice.send("{\"Members\":{\"group_name\":\"dogs\"}}");
        alice.expectLine("{\"Members\":{\"group_name\":\"dogs\",\"names\":[\"alice\",\"bob\",\"carol\"]}}");
        // carol's leaving is counted with her, as her joining was: no Left for one never seen to join.
        carol.send("{\"Leave\":{\"group_name\":\"dogs\"}}");
        Harness.awaitMembers(server, "dogs", 2);
        alice.expectNoLineWithin(Duration.ofMillis(300));
    }
}
