package parley.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.protocol.ProtocolException;
import parley.testing.QueueInput;

/**
 * The client against a scripted fake server that speaks the store's protocol (Post ids and
 * Posted, Welcome epochs, Fetched): resending unacknowledged posts after a reconnection, skipping
 * the catch-up when the store changed, history marking and the join confirmation.
 */
@DisplayName("ChatClient with the store's protocol")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoreProtocolClientTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long TS = 1765100000123L;

    /** One accepted connection: requests in, decoded; replies out, encoded. */
    private record Peer(Socket socket, BufferedReader in) {
        static Peer accept(ServerSocket listener) throws IOException {
            Socket s = listener.accept();
            s.setSoTimeout((int) WAIT.toMillis());
            return new Peer(s, new BufferedReader(new InputStreamReader(s.getInputStream(), UTF_8)));
        }

        FromClient read() throws IOException {
            String line = in.readLine();
            if (line == null) return null;
            byte[] b = line.getBytes(UTF_8);
            try {
                return Codec.decodeRequest(b, 0, b.length);
            } catch (ProtocolException e) {
                throw new IOException(line, e);
            }
        }

        Peer send(FromServer... packets) throws IOException {
            for (FromServer p : packets) socket.getOutputStream().write(Codec.encode(p));
            socket.getOutputStream().flush();
            return this;
        }

        void close() throws IOException {
            socket.close();
        }
    }

    private static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static InetSocketAddress addressOf(ServerSocket s) {
        return new InetSocketAddress("127.0.0.1", s.getLocalPort());
    }

    /** A piped client on {@code addresses}; its output streams are filled as it runs. */
    private static CompletableFuture<Integer> pipedClient(List<InetSocketAddress> addresses, QueueInput stdin,
                                                          ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return CompletableFuture.supplyAsync(() -> ChatClient.run(addresses, new BufferedReader(stdin),
                new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), Duration.ofSeconds(2)));
    }

    @Test
    @DisplayName("posts after nick carry ids; after a reconnection the unacknowledged one is resent with its id")
    void resendsTheUnacknowledgedPostWithItsId() throws Exception {
        try (ServerSocket listener = listen()) {
            InetSocketAddress a = addressOf(listener);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            QueueInput stdin = new QueueInput();
            // The same node twice: the client fails over to it, as to a second node.
            CompletableFuture<Integer> exit = pipedClient(List.of(a, a), stdin, out, err);
            stdin.send("nick alice").send("join dogs").send("post dogs one").send("post dogs two");

            Peer first = Peer.accept(listener);
            assertThat(first.read()).isEqualTo(new FromClient.Hello("alice"));
            first.send(new FromServer.Welcome("alice", "fake", "e1"));
            assertThat(first.read()).isEqualTo(new FromClient.Join("dogs"));
            FromClient.Post one = (FromClient.Post) first.read();
            FromClient.Post two = (FromClient.Post) first.read();
            assertThat(List.of(one.message(), two.message())).containsExactly("one", "two");
            assertThat(one.id()).isNotNull().isNotEqualTo(two.id()).matches("[\\x21-\\x7e]{1,64}");
            first.send(new FromServer.Posted("dogs", one.id(), 1, TS));
            first.close(); // "two" was never acknowledged

            Peer second = Peer.accept(listener);
            assertThat(second.read()).isEqualTo(new FromClient.Hello("alice"));
            assertThat(second.read()).isEqualTo(new FromClient.Join("dogs"));
            second.send(new FromServer.Welcome("alice", "fake", "e1"));
            assertThat(second.read()).as("the same post, the same id").isEqualTo(two);
            second.send(new FromServer.Posted("dogs", two.id(), 2, TS));
            stdin.end();
            assertThat(second.read()).as("nothing else: half-closed").isNull();
            second.close();

            assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
            assertThat(out.toString(UTF_8)).as("Posted is never printed").isEqualTo("welcome, alice (fake)\n");
            assertThat(err.toString(UTF_8)).contains("reconnected to " + ChatClient.show(a));
        }
    }

    @Test
    @DisplayName("a new store epoch after a reconnection: no catch-up from the old seqs; the same epoch: a Fetch after the last seq")
    void catchUpOnlyWithinOneEpoch() throws Exception {
        for (String epoch : List.of("e1", "e2")) {
            try (ServerSocket listener = listen()) {
                InetSocketAddress a = addressOf(listener);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                QueueInput stdin = new QueueInput();
                CompletableFuture<Integer> exit = pipedClient(List.of(a, a), stdin, out, err);
                stdin.send("nick alice").send("join dogs");

                Peer first = Peer.accept(listener);
                first.read();
                first.send(new FromServer.Welcome("alice", "fake", "e1"));
                first.read();
                first.send(new FromServer.Message("dogs", "five", "bob", 5, TS));
                await().atMost(WAIT).until(() -> out.toString(UTF_8).contains("five"));
                first.close();

                Peer second = Peer.accept(listener);
                assertThat(second.read()).isEqualTo(new FromClient.Hello("alice"));
                assertThat(second.read()).isEqualTo(new FromClient.Join("dogs"));
                second.send(new FromServer.Welcome("alice", "fake", epoch));
                await().atMost(WAIT).until(() -> err.toString(UTF_8).contains("reconnected"));
                stdin.send("post dogs after");
                if (epoch.equals("e1")) {
                    assertThat(second.read()).isEqualTo(new FromClient.Fetch("dogs", OptionalLong.of(5), 100_000));
                    assertThat(second.read()).isEqualTo(new FromClient.Members("dogs"));
                }
                assertThat(second.read()).as(epoch).isInstanceOfSatisfying(FromClient.Post.class,
                        p -> assertThat(p.message()).isEqualTo("after"));
                stdin.end();
                assertThat(second.read()).isNull();
                second.close();
                assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
                if (epoch.equals("e2")) assertThat(err.toString(UTF_8)).contains("store is a new one");
            }
        }
    }

    @Test
    @DisplayName("a server that never acknowledges gets no resend (it could post twice); a refused Hello does not hold posts back")
    void noResendWithoutAcknowledgements() throws Exception {
        try (ServerSocket listener = listen()) {
            InetSocketAddress a = addressOf(listener);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            QueueInput stdin = new QueueInput();
            CompletableFuture<Integer> exit = pipedClient(List.of(a, a), stdin, out, err);
            stdin.send("nick alice").send("join dogs").send("post dogs before");

            Peer first = Peer.accept(listener);
            first.read();
            first.send(new FromServer.Welcome("alice", "old server")); // no epoch
            first.read();
            assertThat(first.read()).isInstanceOfSatisfying(FromClient.Post.class, p -> assertThat(p.id()).isNotNull());
            first.close();

            Peer second = Peer.accept(listener);
            assertThat(second.read()).isEqualTo(new FromClient.Hello("alice"));
            assertThat(second.read()).isEqualTo(new FromClient.Join("dogs"));
            await().atMost(WAIT).until(() -> err.toString(UTF_8).contains("reconnected"));
            stdin.send("post dogs during");
            second.send(new FromServer.Error("name 'alice' is taken"));
            assertThat(second.read()).isInstanceOfSatisfying(FromClient.Post.class,
                    p -> assertThat(p.message()).isEqualTo("during"));
            stdin.end();
            assertThat(second.read()).isNull();
            second.close();
            assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
            assertThat(out.toString(UTF_8)).isEqualTo("welcome, alice (old server)\nerror from server: name 'alice' is taken\n");
        }
    }

    /** A console that records what it was asked to show, as a person at a terminal would see it. */
    static final class RecordingConsole implements Console {
        final BlockingQueue<String> input = new LinkedBlockingQueue<>();
        final List<String> shown = new CopyOnWriteArrayList<>();
        private static final String END = new String("<end>");

        void type(String line) {
            input.add(line);
        }

        void end() {
            input.add(END);
        }

        @Override
        public String readLine() throws IOException {
            try {
                String line = input.take();
                return line == END ? null : line;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }

        @Override
        public void show(FromServer packet) {
            shown.add(ReplyFormat.format(packet));
        }

        @Override
        public void showEarlier(FromServer.Message m) {
            shown.add("earlier: " + ReplyFormat.format(m));
        }

        @Override
        public void note(String text) {
            shown.add(text.startsWith("joined ") || text.startsWith("left ") ? text : "note: " + text);
        }

        @Override
        public boolean interactive() {
            return true;
        }

        @Override
        public void close() {}
    }

    @Test
    @DisplayName("on a terminal: join and leave confirm, history answers are marked, live ones are not")
    void terminalConfirmsAndMarksHistory() throws Exception {
        try (ServerSocket listener = listen()) {
            RecordingConsole console = new RecordingConsole();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
                    ChatClient.run(List.of(addressOf(listener)), ClientSecurity.NONE, console, Duration.ofSeconds(2)));
            console.type("nick alice");
            console.type("join dogs");

            Peer peer = Peer.accept(listener);
            assertThat(peer.read()).isEqualTo(new FromClient.Hello("alice"));
            peer.send(new FromServer.Welcome("alice", "fake", "e1"));
            assertThat(peer.read()).isEqualTo(new FromClient.Join("dogs"));
            FromClient count = peer.read();
            assertThat(count).isEqualTo(new FromClient.ListGroups(1, JoinConfirmations.before("dogs")));
            peer.send(new FromServer.Groups(List.of(new FromServer.GroupInfo("dogs", 3))),
                    new FromServer.Listed(null, 1, true),
                    new FromServer.Message("dogs", "live 3", "bob", 3, TS));
            await().atMost(WAIT).until(() -> console.shown.contains("message posted to dogs by bob: live 3"));

            console.type("history dogs 2");
            assertThat(peer.read()).isEqualTo(new FromClient.Fetch("dogs", OptionalLong.empty(), 2));
            peer.send(new FromServer.Message("dogs", "one", "bob", 1, TS),
                    new FromServer.Message("dogs", "two", "carol", 2, TS),
                    new FromServer.Fetched("dogs", 2, 1, 3),
                    new FromServer.Message("dogs", "live 4", "bob", 4, TS));
            await().atMost(WAIT).until(() -> console.shown.contains("message posted to dogs by bob: live 4"));
            console.type("leave dogs");
            assertThat(peer.read()).isEqualTo(new FromClient.Leave("dogs"));
            console.end();
            assertThat(peer.read()).isNull();
            peer.close();

            assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
            assertThat(console.shown).containsExactly(
                    "welcome, alice (fake)",
                    "joined dogs (3 members)",
                    "message posted to dogs by bob: live 3",
                    "earlier: message posted to dogs by bob: one",
                    "earlier: message posted to dogs by carol: two",
                    "2 messages from dogs",
                    "message posted to dogs by bob: live 4",
                    "left dogs");
        }
    }
}
