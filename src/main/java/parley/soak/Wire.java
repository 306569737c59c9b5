package parley.soak;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import parley.protocol.Codec;
import parley.protocol.FromServer;
import parley.protocol.ProtocolException;

/** One soak client's TCP connection: write lines, read reply lines and decode them. */
final class Wire implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int lim;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private Wire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects; {@code receiveBuffer} > 0 sets a small receive buffer, as a slow client on a thin link has. */
    static Wire open(InetSocketAddress address, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
            s.setTcpNoDelay(true);
            s.connect(address, 10_000);
            return new Wire(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    void send(String line) throws IOException {
        sendRaw((line + "\n").getBytes(UTF_8));
    }

    synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** The next line without its newline, or null at end of stream. */
    byte[] readLine() throws IOException {
        line.reset();
        while (true) {
            if (pos == lim) {
                int n = in.read(buf);
                if (n < 0) {
                    if (line.size() == 0) return null;
                    return line.toByteArray();
                }
                pos = 0;
                lim = n;
            }
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    line.write(buf, pos, i - pos);
                    pos = i + 1;
                    return line.toByteArray();
                }
            }
            line.write(buf, pos, lim - pos);
            pos = lim;
        }
    }

    /** The next reply, decoded as a client would; null at end of stream. */
    FromServer readReply() throws IOException, ProtocolException {
        byte[] l = readLine();
        if (l == null) return null;
        return Codec.decodeReply(l, 0, l.length);
    }

    /** Half-closes: the server sees end of input and finishes. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Closes with a TCP reset (SO_LINGER 0) instead of an orderly FIN. */
    void reset() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    static String text(byte[] line) {
        return line == null ? "<end of stream>" : new String(Arrays.copyOf(line, Math.min(line.length, 200)), UTF_8);
    }
}
