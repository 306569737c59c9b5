package parley.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw line-protocol client on a real loopback socket, for tests that need exact bytes: send a
 * line, read a line (failing after a timeout rather than hanging), see the server close.
 */
public final class LineClient implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private LineClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
        this.out = socket.getOutputStream();
    }

    public static LineClient connect(InetSocketAddress address) throws IOException {
        return connect(address, -1);
    }

    /** With a small receive buffer, so a client that does not read stalls its writer sooner. */
    public static LineClient connect(InetSocketAddress address, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
        s.connect(address, 10_000);
        s.setSoTimeout(10_000);
        return new LineClient(s);
    }

    public LineClient send(String line) throws IOException {
        return sendRaw(line + "\n");
    }

    public LineClient sendRaw(String text) throws IOException {
        out.write(text.getBytes(UTF_8));
        out.flush();
        return this;
    }

    /** The next line; fails if none comes within the timeout or the server closed. */
    public String read() throws IOException {
        String line = in.readLine();
        if (line == null) throw new IOException("the server closed the connection");
        return line;
    }

    public List<String> read(int n) throws IOException {
        List<String> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) lines.add(read());
        return lines;
    }

    /** Every line until the server closes (an abort counts as a close). */
    public List<String> readToEnd() throws IOException {
        List<String> lines = new ArrayList<>();
        try {
            String line;
            while ((line = in.readLine()) != null) lines.add(line);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            // connection reset: the end, as far as the test is concerned
        }
        return lines;
    }

    /** True if the server has closed: end of stream (or reset) within the timeout. */
    public boolean closedByServer() throws IOException {
        try {
            return in.readLine() == null;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Sets how long a read may wait. */
    public LineClient timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
        return this;
    }

    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
