package parley.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client that speaks frames by hand over a plain socket, for tests that must send
 * what no well-behaved client sends: unmasked or reserved frames, bad close codes, invalid UTF-8,
 * messages left unfinished. It checks that everything the server sends back is a well-formed
 * server frame (no mask, no reserved bits, a known opcode), so HTTP bytes inside the stream fail
 * the test.
 */
public final class WsFrameClient implements AutoCloseable {
    public static final int CONTINUATION = 0, TEXT = 1, BINARY = 2, CLOSE = 8, PING = 9, PONG = 10;

    /** One frame from the server. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, UTF_8);
        }

        /** The code of a Close frame, or -1. */
        public int closeCode() {
            return opcode == CLOSE && payload.length >= 2 ? (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF) : -1;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, UTF_8) : "";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** The handshake's status code and head, as received. */
    public final int status;
    public final String head;

    private WsFrameClient(Socket socket, int status, String head) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.status = status;
        this.head = head;
    }

    /** Opens {@code GET path} with an upgrade to WebSocket; check {@link #status} (101 when upgraded). */
    public static WsFrameClient open(int port, String path, String host, String origin) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(20_000);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
            if (host != null) req.append("Host: ").append(host).append("\r\n");
            req.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                    .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n");
            if (origin != null) req.append("Origin: ").append(origin).append("\r\n");
            req.append("\r\n");
            s.getOutputStream().write(req.toString().getBytes(ISO_8859_1));
            s.getOutputStream().flush();
            // The head, byte by byte, so no frame byte after it is consumed.
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            var raw = s.getInputStream();
            while (head.size() < 64 * 1024) {
                int b = raw.read();
                if (b < 0) break;
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') break;
            }
            String text = head.toString(ISO_8859_1);
            int status = text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
            return new WsFrameClient(s, status, text);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A same-origin upgrade to {@code /ws} on 127.0.0.1. */
    public static WsFrameClient open(int port) throws IOException {
        WsFrameClient c = open(port, "/ws", "127.0.0.1:" + port, "http://127.0.0.1:" + port);
        if (c.status != 101) {
            c.close();
            throw new IOException("not upgraded: " + c.head);
        }
        return c;
    }

    /** Sends one masked frame. */
    public WsFrameClient frame(boolean fin, int opcode, byte[] payload) throws IOException {
        return frame(fin ? 0x80 | opcode : opcode, payload, true);
    }

    /** Sends one frame with the given first byte (FIN, RSV, opcode), masked or not. */
    public WsFrameClient frame(int firstByte, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(firstByte);
        int m = masked ? 0x80 : 0;
        int n = payload.length;
        if (n < 126) {
            f.write(m | n);
        } else if (n < 65536) {
            f.write(m | 126);
            f.write(n >> 8);
            f.write(n);
        } else {
            f.write(m | 127);
            for (int i = 7; i >= 0; i--) f.write((int) ((long) n >>> (8 * i)));
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            f.write(key, 0, 4);
            for (int i = 0; i < n; i++) body[i] ^= key[i & 3];
        }
        f.write(body, 0, n);
        out.write(f.toByteArray());
        out.flush();
        return this;
    }

    /** Sends only a frame's header announcing {@code length} payload bytes, none of them. */
    public WsFrameClient header(boolean fin, int opcode, long length) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(14);
        f.write(fin ? 0x80 | opcode : opcode);
        if (length < 126) {
            f.write(0x80 | (int) length);
        } else if (length < 65536) {
            f.write(0x80 | 126);
            f.write((int) (length >> 8));
            f.write((int) length);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) f.write((int) (length >>> (8 * i)));
        }
        f.write(new byte[4], 0, 4); // a zero mask
        out.write(f.toByteArray());
        out.flush();
        return this;
    }

    public WsFrameClient text(String s) throws IOException {
        return frame(true, TEXT, s.getBytes(UTF_8));
    }

    /** A Close with this code and reason. */
    public WsFrameClient close(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return frame(true, CLOSE, p);
    }

    /**
     * The next frame from the server, or null if the connection ended (or nothing came within
     * {@code timeout}). Throws AssertionError if the bytes are not a server frame.
     */
    public Frame read(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            int op = b0 & 0x0F;
            if ((b0 & 0x70) != 0 || (b1 & 0x80) != 0 || !(op <= 2 || (op >= 8 && op <= 10))) {
                byte[] rest = in.readNBytes(Math.min(in.available(), 200));
                throw new AssertionError("not a server frame: " + new String(new byte[] {(byte) b0, (byte) b1}, ISO_8859_1)
                        + new String(rest, ISO_8859_1));
            }
            long n = b1 & 0x7F;
            if (n == 126) n = in.readUnsignedShort();
            else if (n == 127) n = in.readLong();
            if (n > 64L << 20) throw new AssertionError("frame of " + n + " bytes");
            byte[] p = new byte[(int) n];
            in.readFully(p);
            return new Frame((b0 & 0x80) != 0, op, p);
        } catch (EOFException | SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            if (socket.isClosed()) throw e;
            return null; // reset
        }
    }

    /** Reads frames until a Close (returned) or the end (null); everything before must be frames. */
    public Frame readUntilClose(Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Frame f = read(Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime())));
            if (f == null || f.opcode == CLOSE) return f;
        }
        return null;
    }

    /** The next text frame, skipping pings; null at the end. */
    public String readText(Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Frame f = read(Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime())));
            if (f == null) return null;
            if (f.opcode == TEXT) return f.text();
            if (f.opcode == CLOSE) return null;
        }
        return null;
    }

    /** Whether the server has ended the connection (reads until the end, at most {@code timeout}). */
    public boolean ended(Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            socket.setSoTimeout((int) Math.max(1, (end - System.nanoTime()) / 1_000_000));
            try {
                if (in.read() < 0) return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
