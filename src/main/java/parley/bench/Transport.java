package parley.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * How the bench reaches the server ({@code --transport}): opens its connections and makes the
 * lanes that read its subscribers. Plain TCP keeps the non-blocking selector threads the compare
 * runs measure; TLS and WebSocket use a thread per connection, as their libraries want.
 */
sealed interface Transport extends AutoCloseable permits Transport.Tcp, Transport.Tls, Transport.Ws {

    /** The transports by name, as {@code --transport} takes them and the report shows them. */
    enum Kind {
        TCP, TLS, WS;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    Kind kind();

    /** Opens connection number {@code index} (which picks its source address) and sends {@code hello} if not null. */
    Link open(long index, byte[] hello) throws IOException;

    /** A new lane for a share of the subscribers. */
    Lane lane(int index) throws IOException;

    /** Loopback source addresses the connections are spread over (0 or 1: the kernel chooses). */
    int sourceAddresses();

    /** Lets go of what the transport holds beyond its connections (the WebSocket clients' threads). */
    @Override
    default void close() {}

    /**
     * The transport of a run to one server: its chat port {@code chat} (TCP, TLS) or its HTTP
     * side {@code http} (WebSocket), for {@code connections} connections.
     */
    static Transport of(BenchConfig c, InetSocketAddress chat, InetSocketAddress http, long connections)
            throws BenchException {
        int timeout = (int) c.connectTimeout().toMillis();
        return switch (c.transport()) {
            case TCP -> new Tcp(new Connector(chat, Connector.sourcesFor(chat, connections, c.sourceAddrs()), timeout));
            case TLS -> new Tls(new Connector(chat, Connector.sourcesFor(chat, connections, c.sourceAddrs()), timeout),
                    clientContext(c.tlsCa()), chat.getHostString());
            case WS -> Ws.to(http, Connector.sourcesFor(http, connections, c.sourceAddrs()), c.connectTimeout());
        };
    }

    private static SSLContext clientContext(Path ca) throws BenchException {
        try {
            return parley.tls.Tls.client(ca, false);
        } catch (IOException | GeneralSecurityException e) {
            throw new BenchException("cannot use --tls-ca " + ca + ": " + e.getMessage(), e);
        }
    }

    /** Plain TCP: a blocking channel per connection, subscribers read by {@link IoLoop} selector threads. */
    record Tcp(Connector connector) implements Transport {
        @Override
        public Kind kind() {
            return Kind.TCP;
        }

        @Override
        public Link open(long index, byte[] hello) throws IOException {
            return new TcpLink(connector.open(index, hello));
        }

        @Override
        public Lane lane(int index) throws IOException {
            return new IoLoop(index);
        }

        @Override
        public int sourceAddresses() {
            return connector.sources().size();
        }
    }

    /**
     * TLS 1.3 on the chat port: the JDK's {@code SSLSocket} over a plain socket, the handshake
     * bounded by the connect timeout, the certificate checked against {@code --tls-ca} (or the
     * JDK's CAs) and against the host connected to, as the terminal client does.
     */
    record Tls(Connector connector, SSLContext context, String host) implements Transport {
        @Override
        public Kind kind() {
            return Kind.TLS;
        }

        @Override
        public Link open(long index, byte[] hello) throws IOException {
            SocketChannel plain = connector.open(index, null);
            try {
                SSLSocket socket = parley.tls.Tls.overConnected(context, plain.socket(), host, true);
                socket.setSoTimeout(connector.timeoutMillis());
                socket.startHandshake();
                socket.setSoTimeout(0);
                TlsLink link = new TlsLink(socket);
                if (hello != null) link.send(ByteBuffer.wrap(hello));
                return link;
            } catch (IOException | RuntimeException e) {
                plain.close();
                throw e;
            }
        }

        @Override
        public Lane lane(int index) {
            return new LinkLane();
        }

        @Override
        public int sourceAddresses() {
            return connector.sources().size();
        }
    }

    /**
     * WebSocket to {@code /ws} on the server's HTTP side, through the JDK's {@link HttpClient}:
     * one client per source address, each with its selector thread and its pool of worker
     * threads that call the links' listeners.
     */
    record Ws(URI uri, List<HttpClient> clients, Duration timeout) implements Transport {
        static Ws to(InetSocketAddress http, List<InetAddress> sources, Duration timeout) {
            String h = http.getAddress().getHostAddress();
            URI uri = URI.create("ws://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + http.getPort() + "/ws");
            List<HttpClient> clients = new ArrayList<>();
            for (InetAddress source : sources.isEmpty() ? java.util.Collections.<InetAddress>singletonList(null) : sources) {
                HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
                if (source != null) b.localAddress(source);
                clients.add(b.build());
            }
            return new Ws(uri, List.copyOf(clients), timeout);
        }

        @Override
        public Kind kind() {
            return Kind.WS;
        }

        @Override
        public Link open(long index, byte[] hello) throws IOException {
            return WsLink.connect(clients.get((int) (index % clients.size())), uri, timeout, hello);
        }

        @Override
        public Lane lane(int index) {
            return new LinkLane();
        }

        @Override
        public int sourceAddresses() {
            return clients.size() > 1 ? clients.size() : 0;
        }

        @Override
        public void close() {
            for (HttpClient c : clients) c.shutdownNow();
        }
    }
}
