package parley.client;

import java.nio.ByteBuffer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.protocol.LineReader;
import parley.protocol.ProtocolException;

/**
 * The book's client: commands in, replies out, as {@code message posted to GROUP: MESSAGE} and
 * {@code error from server: TEXT}. Where the commands come from and how replies are shown is the
 * {@link Console}'s business: plain streams when piped, a line editor on a terminal; the session
 * logic here is the same for both.
 *
 * <p>End of input half-closes the connection and waits (at most {@code linger}) for the server to
 * send what it still owes, then exits 0. If the server closes first, the client says so on the
 * error stream and exits 1.
 *
 * <p><b>Failover.</b> Given several addresses (the nodes of a cluster), the client connects to the
 * first that answers, and when that connection ends it moves on to the next, for at most
 * {@link #RECONNECT_FOR}. On the new node it says Hello again with its nick, joins its groups again
 * and, for each group where it has seen a message {@code seq} (that is, after {@code nick}),
 * Fetches what came after it; what arrives while it catches up is put in seq order without
 * duplicates, so the conversation carries on without a gap as long as the cluster still holds it.
 *
 * <p><b>Posts land once.</b> After {@code nick}, each post carries an id ({@link PostIds}) and is
 * kept ({@link Unacknowledged}) until the server's {@code Posted} for it; a reconnection, after
 * Hello and the Joins, resends those still kept, in order, with their ids, and the server takes
 * each only once. A Welcome whose store {@code epoch} differs from the last one means the seqs
 * seen so far mean nothing there: the catch-up Fetch is skipped.
 *
 * <p>Over TLS and with a token ({@link ClientSecurity}) the same holds; the token goes first, as
 * an Auth request, on every connection before any command.
 */
public final class ChatClient {
    /** Replies are never longer than a request line plus framing; this is generous and still bounded. */
    private static final int MAX_REPLY_BYTES = 64 << 20;
    /** How long a client with several addresses keeps trying to reach one of them. */
    static final Duration RECONNECT_FOR = Duration.ofSeconds(30);
    private static final long CATCH_UP_LIMIT = 100_000;

    private final List<InetSocketAddress> addresses;
    private final Console console;
    private final Duration linger;
    private final CompletableFuture<Integer> outcome = new CompletableFuture<>();
    private volatile boolean inputDone;
    private volatile ClientLink socket;
    private final ClientSecurity security;
    private int current;
    /** Held while writing, and while a reconnection replaces the socket and replays the session. */
    private final Object writeLock = new Object();
    /** Bumped by each reconnection, so a command whose write failed can wait for the next socket. */
    private volatile int generation;

    // What a reconnection replays; written under writeLock by the command thread.
    private String nick;
    /**
     * The Login a reconnection repeats instead of Hello (a registered name cannot be taken by Hello),
     * or null. Holds the password for the life of the process: reconnecting needs it.
     */
    private FromClient.Login signIn;
    /** Synchronized for the reply thread's membership checks; iterated only under writeLock. */
    private final java.util.Set<String> groups = Collections.synchronizedSet(new LinkedHashSet<>());
    private final PostLedger posts;
    /** Direct messages sent and not yet answered with Sent: resent after a reconnection. */
    private final DirectLedger directs = new DirectLedger(PostIds.random());
    /** Conversations {@code read NAME} is fetching: their FetchedDirect is followed by a Read. */
    private final java.util.Set<String> reading = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The longest {@code read NAME} holds further input back while its page arrives. */
    private static final Duration READ_WAIT = Duration.ofSeconds(5);
    /** The store epoch of the last Welcome (reply thread). */
    private String epoch;
    private final EarlierMessages earlier = new EarlierMessages();
    private final JoinConfirmations confirmations = new JoinConfirmations();
    /** The last seq shown per group (read under writeLock, written by the reply thread). */
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    // Catching up after a reconnection: touched only by the reply thread.
    private final Map<String, List<FromServer.Message>> catchingUp = new HashMap<>();
    private final Map<String, Long> caughtUpTo = new HashMap<>();
    private boolean swallowWelcome;
    // Paging (reply thread only): the last name of the latest List page and of each group's Members page.
    private String lastListed;
    private final Map<String, String> lastMember = new HashMap<>();

    private ChatClient(List<InetSocketAddress> addresses, ClientSecurity security, int current, ClientLink socket,
                       Console console, Duration linger) {
        this.addresses = addresses;
        this.security = security;
        this.current = current;
        this.socket = socket;
        this.console = console;
        this.linger = linger;
        this.posts = new PostLedger(PostIds.random(), console::note);
    }

    /**
     * Connects, runs the session with commands from {@code in}, replies on {@code out} and
     * everything else on {@code err}, and returns the exit code.
     */
    public static int run(InetSocketAddress address, BufferedReader in, PrintStream out, PrintStream err,
                          Duration linger) {
        return run(List.of(address), ClientSecurity.NONE, in, out, err, linger);
    }

    /** As above, over TLS and with a token as {@code security} says. */
    public static int run(InetSocketAddress address, ClientSecurity security, BufferedReader in, PrintStream out,
                          PrintStream err, Duration linger) {
        return run(List.of(address), security, in, out, err, linger);
    }

    /** As above, failing over between {@code addresses} (see the class comment). */
    public static int run(List<InetSocketAddress> addresses, BufferedReader in, PrintStream out, PrintStream err,
                          Duration linger) {
        return run(addresses, ClientSecurity.NONE, in, out, err, linger);
    }

    public static int run(List<InetSocketAddress> addresses, ClientSecurity security, BufferedReader in,
                          PrintStream out, PrintStream err, Duration linger) {
        try (PlainConsole console = new PlainConsole(in, out, err)) {
            return run(addresses, security, console, linger);
        }
    }

    /** Connects, runs the session on {@code console}, and returns the exit code. */
    static int run(List<InetSocketAddress> addresses, ClientSecurity security, Console console, Duration linger) {
        for (int i = 0; i < addresses.size(); i++) {
            ClientLink s;
            try {
                s = connect(addresses.get(i), security);
            } catch (IOException e) {
                console.note("parley client: cannot connect to " + show(addresses.get(i)) + ": " + e.getMessage());
                continue;
            }
            return new ChatClient(addresses, security, i, s, console, linger).session();
        }
        return 1;
    }

    /** Opens a link (TLS if asked) and, with a token, authenticates before anything else is sent. */
    private static ClientLink connect(InetSocketAddress address, ClientSecurity security) throws IOException {
        ClientLink link = ClientLink.open(address, security);
        if (security.token() != null) {
            try {
                link.write(Codec.encode(new FromClient.Auth(security.token())));
            } catch (IOException e) {
                link.close();
                throw e;
            }
        }
        return link;
    }

    static String show(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    private boolean failover() {
        return addresses.size() > 1;
    }

    private int session() {
        Thread replies = Thread.ofPlatform().daemon().name("parley-replies").start(this::printReplies);
        Thread commands = Thread.ofPlatform().daemon().name("parley-commands").start(this::sendCommands);
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (ExecutionException e) {
            console.note("parley client: " + e.getCause());
            return 1;
        } finally {
            close();
            commands.interrupt();
            replies.interrupt();
        }
    }

    private void sendCommands() {
        try {
            String line;
            while ((line = console.readLine()) != null && !outcome.isDone()) {
                switch (CommandParser.parse(line)) {
                    case Command.Send s -> {
                        send(s.request());
                        if (s.request() instanceof FromClient.FetchDirect f) awaitRead(f.with());
                    }
                    case Command.Invalid i -> console.note(i.hint());
                    case Command.SignIn s -> {
                        String password = console.readPassword("password for " + s.name() + ": ");
                        if (password == null) break;
                        send(s.register() ? new FromClient.Register(s.name(), password) : new FromClient.Login(s.name(), password));
                    }
                    case Command.Blank b -> { }
                }
            }
            inputDone = true;
            socket.shutdownOutput();
            waitForServerToFinish();
        } catch (IOException e) {
            if (!outcome.isDone()) {
                console.note("parley client: connection lost: " + e.getMessage());
                outcome.complete(1);
            }
        }
    }

    /** Sends a request, remembering what a reconnection must replay; with failover, waits out a reconnection. */
    private void send(FromClient typed) throws IOException {
        int gen;
        byte[] line;
        boolean resent;
        synchronized (writeLock) {
            FromClient request = remember(typed);
            resent = request instanceof FromClient.Post p && p.id() != null;
            if (resent && posts.hold((FromClient.Post) request)) return; // goes out after the resent ones
            line = Codec.encode(request);
            gen = generation;
            try {
                write(line);
                followUp(request);
                return;
            } catch (IOException e) {
                if (!failover()) throw e;
            }
        }
        // The reply thread sees the same broken connection and moves to the next node; then retry once.
        long deadline = System.nanoTime() + RECONNECT_FOR.toNanos();
        while (generation == gen && !outcome.isDone() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        if (resent && posts.acks()) return; // the reconnection resent it with its id
        synchronized (writeLock) {
            write(line);
        }
    }

    /** Under writeLock: notes what a reconnection replays; a post after {@code nick} gets its id here. */
    private FromClient remember(FromClient request) {
        switch (request) {
            case FromClient.Hello h -> nick = h.name();
            case FromClient.Login l -> {
                nick = l.name();
                signIn = l;
            }
            case FromClient.Register r -> {
                nick = r.name();
                signIn = new FromClient.Login(r.name(), r.password()); // once made, the account is logged in to
            }
            case FromClient.Join j -> groups.add(j.groupName());
            case FromClient.Leave l -> groups.remove(l.groupName());
            case FromClient.Post p when nick != null -> {
                return posts.name(p);
            }
            case FromClient.Fetch f -> earlier.requested(f.groupName(), lastSeq.getOrDefault(f.groupName(), 0L));
            case FromClient.ListGroups l -> confirmations.userList();
            case FromClient.Direct d -> {
                return directs.name(d);
            }
            case FromClient.FetchDirect f -> reading.add(f.with());
            default -> { }
        }
        return request;
    }

    /** Under writeLock, after a request went out: on a terminal, join and leave are confirmed. */
    private void followUp(FromClient request) throws IOException {
        if (!console.interactive()) return;
        switch (request) {
            case FromClient.Join j -> {
                confirmations.confirm(j.groupName());
                write(Codec.encode(new FromClient.ListGroups(1, JoinConfirmations.before(j.groupName()))));
            }
            case FromClient.Leave l -> console.note("left " + l.groupName());
            default -> { }
        }
    }

    /** After our end of input the server should flush and close; if it does not, stop waiting. */
    private void waitForServerToFinish() {
        try {
            outcome.get(linger.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            outcome.complete(0);
        } catch (InterruptedException | ExecutionException e) {
            outcome.complete(0);
        }
    }

    private void printReplies() {
        while (true) {
            try {
                LineReader lines = new LineReader(socket.in(), 4096, MAX_REPLY_BYTES);
                boolean first = true;
                while (lines.next()) {
                    if (lines.lineIsBlank()) continue;
                    if (first && ConnectionHints.looksLikeTls(lines.array()[lines.lineStart()])) {
                        console.note("parley client: " + ConnectionHints.speaksTls(addresses.get(current)));
                        outcome.complete(1);
                        return;
                    }
                    first = false;
                    try {
                        reply(Codec.decodeReply(lines.array(), lines.lineStart(), lines.lineLength()));
                    } catch (ProtocolException e) {
                        console.note("parley client: unreadable reply from server: " + e.getMessage());
                    }
                }
                if (inputDone || !failover()) {
                    serverClosed();
                    return;
                }
                console.note("parley client: " + show(addresses.get(current)) + " closed the connection");
            } catch (IOException | RuntimeException e) {
                if (outcome.isDone() || inputDone) {
                    outcome.complete(inputDone ? 0 : 1);
                    return;
                }
                console.note("parley client: connection lost: " + e.getMessage());
                if (!failover()) {
                    outcome.complete(1);
                    return;
                }
            }
            if (!reconnect()) {
                console.note("parley client: no server reachable in " + RECONNECT_FOR.toSeconds() + " s; giving up");
                outcome.complete(1);
                return;
            }
        }
    }

    /** Shows a reply, putting what arrives while catching up after a reconnection in seq order first. */
    private void reply(FromServer packet) {
        switch (packet) {
            case FromServer.Message m when earlier.isEarlier(m, groups.contains(m.groupName())) -> console.showEarlier(m);
            case FromServer.Message m when m.seq() > 0 -> {
                List<FromServer.Message> held = catchingUp.get(m.groupName());
                if (held != null) {
                    held.add(m);
                    return;
                }
                Long upTo = caughtUpTo.get(m.groupName());
                if (upTo != null) {
                    if (m.seq() <= upTo) return; // already shown while catching up
                    caughtUpTo.remove(m.groupName());
                }
                lastSeq.put(m.groupName(), m.seq());
                console.show(m);
            }
            case FromServer.Members m when catchingUp.containsKey(m.groupName()) -> {
                lastMember.remove(m.groupName()); // the marker: a summary after it is not followed
                caughtUp(m.groupName());
            }
            // The guard takes the answer from the queue of List requests in flight (evaluated once).
            case FromServer.Groups g when confirmations.answers(g, console::note) -> { }
            case FromServer.Groups g -> {
                if (!g.groups().isEmpty()) lastListed = g.groups().getLast().name();
                console.show(packet);
            }
            case FromServer.Listed l when confirmations.swallows(l) -> { }
            case FromServer.Posted p -> posts.acknowledged(p.id()); // not shown: it is the client's business
            case FromServer.Sent s -> directs.acknowledged(s.id()); // likewise
            case FromServer.Read r -> { } // a marker moved (here or on another device): nothing to show
            case FromServer.FetchedDirect f -> {
                console.show(f);
                if (reading.contains(f.with()) && f.count() > 0) markRead(f.with(), f.newest());
                reading.remove(f.with()); // after the Read is written: awaitRead then lets input go on
            }
            case FromServer.Fetched f when catchingUp.containsKey(f.groupName()) -> earlier.serverSendsFetched();
            case FromServer.Fetched f -> {
                earlier.fetched(f.groupName());
                console.show(f);
            }
            case FromServer.Members m -> {
                if (!m.names().isEmpty()) lastMember.put(m.groupName(), m.names().getLast());
                console.show(packet);
            }
            case FromServer.Listed l -> nextPage(l);
            case FromServer.Welcome w when swallowWelcome -> {
                swallowWelcome = false;
                welcomedAgain(w);
            }
            case FromServer.Error e when swallowWelcome -> {
                // The first reply on a new connection answers its Hello: refused, there is no
                // Welcome to wait for, and what waits for one (held posts) must not wait forever.
                swallowWelcome = false;
                console.show(e);
                welcomedAgain(new FromServer.Welcome(nick, "", null));
            }
            case FromServer.Welcome w -> {
                storeEpoch(w);
                console.show(w);
            }
            default -> console.show(packet);
        }
    }

    /** Reply thread: remembers the Welcome's store epoch; true if it is not the one seen before. */
    private boolean storeEpoch(FromServer.Welcome w) {
        if (w.epoch() == null) return false;
        posts.serverAcks(); // a server with a store epoch acknowledges ids and ends Fetches with Fetched
        earlier.serverSendsFetched();
        boolean changed = epoch != null && !epoch.equals(w.epoch());
        epoch = w.epoch();
        return changed;
    }

    /**
     * The Welcome on a new connection: catch up on each group from its last seq (unless the store
     * is another one, where those seqs mean nothing), then resend the posts still unacknowledged
     * and those typed since the connection was lost, in order.
     */
    private void welcomedAgain(FromServer.Welcome w) {
        synchronized (writeLock) {
            if (storeEpoch(w)) {
                lastSeq.clear();
                caughtUpTo.clear();
                console.note("parley client: the server's store is a new one; earlier messages are not fetched again");
            }
            try {
                for (String g : groups) {
                    Long last = lastSeq.get(g);
                    if (last == null) continue;
                    catchingUp.put(g, new ArrayList<>());
                    write(Codec.encode(new FromClient.Fetch(g, OptionalLong.of(last), CATCH_UP_LIMIT)));
                    write(Codec.encode(new FromClient.Members(g)));
                }
                for (FromClient.Post p : posts.toResend()) write(Codec.encode(p));
                for (FromClient.Direct d : directs.toResend()) write(Codec.encode(d));
            } catch (IOException e) {
                // The connection is going already; the next reconnection replays all of this again.
            }
        }
    }

    /** Reply thread: {@code read NAME} has shown the newest page; the server moves the marker to its end. */
    private void markRead(String with, long seq) {
        synchronized (writeLock) {
            try {
                write(Codec.encode(new FromClient.Read(with, seq)));
            } catch (IOException e) {
                // The connection is going: the marker stays, and the next read moves it.
            }
        }
    }

    /**
     * Command thread, after {@code read NAME}: waits (a few seconds at most) until the page is in
     * and its Read is sent, so input that ends here (piped) does not close the connection first.
     */
    private void awaitRead(String with) {
        long deadline = System.nanoTime() + READ_WAIT.toNanos();
        while (reading.contains(with) && !outcome.isDone() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The summary after a page of {@code list} or {@code who}: with more to come, asks for the next
     * page (each shows as its own line), or says "(more)" when it can no longer ask (input ended).
     */
    private void nextPage(FromServer.Listed l) {
        String group = l.groupName();
        String after = group == null ? lastListed : lastMember.get(group);
        if (!l.more() || after == null) return;
        if (inputDone) {
            console.show(l);
            return;
        }
        FromClient next = group == null ? new FromClient.ListGroups(0, after) : new FromClient.Members(group, 0, after);
        try {
            synchronized (writeLock) {
                write(Codec.encode(next));
                if (group == null) confirmations.userList();
            }
        } catch (IOException e) {
            console.show(l); // the connection is going; what was shown is all there is
        }
    }

    /** The marker after a group's catch-up Fetch has arrived: show what came, oldest first, once each. */
    private void caughtUp(String group) {
        List<FromServer.Message> held = catchingUp.remove(group);
        held.sort(Comparator.comparingLong(FromServer.Message::seq));
        long last = lastSeq.getOrDefault(group, 0L);
        long max = last;
        for (FromServer.Message m : held) {
            if (m.seq() <= max) continue;
            max = m.seq();
            console.show(m);
        }
        if (max > last) {
            lastSeq.put(group, max);
            caughtUpTo.put(group, max);
        }
    }

    /**
     * Moves to the next address that answers (cycling, for at most {@link #RECONNECT_FOR}) and
     * replays the session: Hello, each Join, and for each group with a known last seq a Fetch after
     * it followed by a Members request whose answer marks the end of the catch-up.
     */
    private boolean reconnect() {
        // Whatever was being caught up is shown as it is before starting again.
        for (String g : new ArrayList<>(catchingUp.keySet())) caughtUp(g);
        long deadline = System.nanoTime() + RECONNECT_FOR.toNanos();
        synchronized (writeLock) {
            close();
            int tries = 0;
            while (System.nanoTime() < deadline && !outcome.isDone()) {
                current = (current + 1) % addresses.size();
                InetSocketAddress a = addresses.get(current);
                try {
                    socket = connect(a, security);
                    console.note("parley client: reconnected to " + show(a));
                    replay();
                    generation++;
                    return true;
                } catch (IOException e) {
                    close();
                    if (++tries % addresses.size() == 0) {
                        try {
                            Thread.sleep(250);
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                            return false;
                        }
                    }
                }
            }
            return false;
        }
    }

    /**
     * Under writeLock, on the new socket: Hello and the Joins. With a nick, the catch-up and the
     * resending wait for the Welcome ({@link #welcomedAgain}), which names the store.
     */
    private void replay() throws IOException {
        confirmations.clear();
        earlier.clear();
        if (nick != null) {
            swallowWelcome = true;
            posts.reconnecting();
            write(Codec.encode(signIn != null ? signIn : new FromClient.Hello(nick)));
        }
        for (String g : groups) write(Codec.encode(new FromClient.Join(g)));
    }

    private void serverClosed() {
        if (inputDone) {
            outcome.complete(0);
        } else if (!outcome.isDone()) {
            console.note("parley client: the server closed the connection");
            outcome.complete(1);
        }
    }

    private void write(byte[] line) throws IOException {
        socket.write(line);
    }

    private void close() {
        socket.close();
    }
}
