package parley.bench;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import parley.options.Address;

/**
 * Opens the bench's connections, only ever to a loopback address.
 *
 * <p>Every connection from one source address to one server address needs its own local port,
 * and Linux hands out about 28,000 of them ({@code net.ipv4.ip_local_port_range}, 32768-60999).
 * For more connections than that, the bench binds each socket before connecting to one of several
 * source addresses, 127.0.0.2 ... 127.0.0.N (all of 127.0.0.0/8 is loopback on Linux), which
 * multiplies the ports available.
 */
final class Connector {
    /** Fraction of the ephemeral range the bench plans to use per source address. */
    private static final double PORT_SHARE = 0.8;

    private final InetSocketAddress target;
    private final List<InetAddress> sources;
    private final int timeoutMillis;

    Connector(InetSocketAddress target, List<InetAddress> sources, int timeoutMillis) {
        this.target = target;
        this.sources = List.copyOf(sources);
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Parses {@code HOST:PORT} or {@code PORT} and refuses anything but a loopback destination:
     * the bench generates load and must never aim it at another machine.
     */
    static InetSocketAddress loopbackTarget(String text) throws BenchException {
        InetSocketAddress a;
        try {
            a = Address.parse(text, "127.0.0.1");
        } catch (IllegalArgumentException e) {
            throw new BenchException(e.getMessage());
        }
        if (a.isUnresolved()) throw new BenchException("cannot resolve " + a.getHostString());
        if (!a.getAddress().isLoopbackAddress()) {
            throw new BenchException("refusing " + a.getAddress().getHostAddress()
                    + ": the bench only connects to loopback addresses (127.0.0.0/8, ::1, localhost)");
        }
        if (a.getPort() == 0) throw new BenchException("port 0 is not a server's port");
        return a;
    }

    /**
     * The source addresses for {@code connections} connections to {@code target}: none (let the
     * kernel choose) when one address has ports enough, else 127.0.0.2 ... as many as needed.
     * {@code requested} > 0 forces that many; 1 means no binding.
     */
    static List<InetAddress> sourcesFor(InetSocketAddress target, long connections, int requested) throws BenchException {
        int n = requested > 0 ? requested : (int) Math.ceil((double) connections / portsPerSource());
        if (n <= 1) return List.of();
        if (!(target.getAddress() instanceof Inet4Address)) {
            if (requested > 0) throw new BenchException("--source-addrs needs an IPv4 loopback server address");
            return List.of();
        }
        if (n > 250) throw new BenchException("at most 250 source addresses (127.0.0.2-127.0.0.251), asked for " + n);
        List<InetAddress> out = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                out.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i)}));
            }
        } catch (UnknownHostException e) {
            throw new BenchException("cannot make a loopback address", e);
        }
        return out;
    }

    /** Local ports the bench plans to use per source address, from the kernel's ephemeral range. */
    static int portsPerSource() {
        int range = 60999 - 32768 + 1;
        try {
            String[] f = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            range = Integer.parseInt(f[1]) - Integer.parseInt(f[0]) + 1;
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: keep the Linux default
        }
        return Math.max(1000, (int) (range * PORT_SHARE));
    }

    List<InetAddress> sources() {
        return sources;
    }

    InetSocketAddress target() {
        return target;
    }

    int timeoutMillis() {
        return timeoutMillis;
    }

    /**
     * Opens connection number {@code index} (which picks its source address), in blocking mode,
     * with Nagle off, and sends {@code hello} if not null. Bounded by the connect timeout.
     */
    SocketChannel open(long index, byte[] hello) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (!sources.isEmpty()) {
                ch.bind(new InetSocketAddress(sources.get((int) (index % sources.size())), 0));
            }
            ch.socket().connect(target, timeoutMillis);
            if (hello != null) {
                ByteBuffer b = ByteBuffer.wrap(hello);
                while (b.hasRemaining()) ch.write(b);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }
}
