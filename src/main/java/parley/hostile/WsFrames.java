package parley.hostile;

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
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** A WebSocket connection that writes frames by hand, including the ones no browser would send. */
final class WsFrames implements AutoCloseable {
    static final int CONTINUATION = 0, TEXT = 1, CLOSE = 8, PING = 9;

    /** One frame from the server; {@code opcode} -1 means the bytes were not a server frame. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, UTF_8);
        }

        int closeCode() {
            return opcode == CLOSE && payload.length >= 2 ? (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF) : -1;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** The handshake's status (101 when upgraded). */
    final int status;

    private WsFrames(Socket socket, int status) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.status = status;
    }

    /** {@code GET /ws} asking for an upgrade, with this Host and Origin (null: no header). */
    static WsFrames open(InetSocketAddress http, String host, String origin) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(http, 10_000);
            s.setSoTimeout(10_000);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            StringBuilder req = new StringBuilder("GET /ws HTTP/1.1\r\nHost: ").append(host).append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                    .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n");
            if (origin != null) req.append("Origin: ").append(origin).append("\r\n");
            s.getOutputStream().write(req.append("\r\n").toString().getBytes(ISO_8859_1));
            // The head byte by byte, so that no frame byte after it is consumed.
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            var raw = s.getInputStream();
            for (int b; head.size() < 16384 && (b = raw.read()) >= 0; ) {
                head.write(b);
                if (head.size() >= 4 && head.toString(ISO_8859_1).endsWith("\r\n\r\n")) break;
            }
            String text = head.toString(ISO_8859_1);
            int status = text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
            return new WsFrames(s, status);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A same-origin upgrade on the listener's own address. */
    static WsFrames open(InetSocketAddress http) throws IOException {
        String host = Http.host(http);
        WsFrames ws = open(http, host, "http://" + host);
        if (ws.status != 101) {
            ws.close();
            throw new IOException("WebSocket not upgraded: status " + ws.status);
        }
        return ws;
    }

    /** One frame with this first byte (FIN, RSV, opcode), masked or not, its payload whole. */
    WsFrames frame(int firstByte, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream f = header(firstByte, payload.length, masked);
        byte[] key = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(key);
            f.write(key, 0, 4);
        }
        byte[] body = payload.clone();
        for (int i = 0; i < body.length; i++) body[i] ^= key[i & 3];
        f.write(body, 0, body.length);
        out.write(f.toByteArray());
        out.flush();
        return this;
    }

    WsFrames frame(boolean fin, int opcode, byte[] payload) throws IOException {
        return frame(fin ? 0x80 | opcode : opcode, payload, true);
    }

    /** Only a frame's header (zero mask), announcing {@code length} bytes, and {@code some} of them. */
    WsFrames announce(boolean fin, int opcode, long length, int some) throws IOException {
        ByteArrayOutputStream f = header(fin ? 0x80 | opcode : opcode, length, true);
        f.write(new byte[4 + some], 0, 4 + some);
        out.write(f.toByteArray());
        out.flush();
        return this;
    }

    private static ByteArrayOutputStream header(int firstByte, long n, boolean masked) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(firstByte);
        int m = masked ? 0x80 : 0;
        if (n < 126) {
            f.write(m | (int) n);
        } else if (n < 65536) {
            f.write(m | 126);
            f.write((int) (n >> 8));
            f.write((int) n);
        } else {
            f.write(m | 127);
            for (int i = 7; i >= 0; i--) f.write((int) (n >>> (8 * i)));
        }
        return f;
    }

    WsFrames close(int code, byte[] reason) throws IOException {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return frame(true, CLOSE, p);
    }

    /** The next frame, or null if the connection ended or nothing came within the time. */
    Frame read(long timeoutMillis) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeoutMillis));
        try {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            int op = b0 & 0x0F;
            if ((b0 & 0x70) != 0 || (b1 & 0x80) != 0 || !(op <= 2 || (op >= 8 && op <= 10))) {
                return new Frame(-1, new byte[] {(byte) b0, (byte) b1});
            }
            long n = b1 & 0x7F;
            if (n == 126) n = in.readUnsignedShort();
            else if (n == 127) n = in.readLong();
            if (n > 16L << 20) return new Frame(-1, new byte[0]);
            byte[] p = new byte[(int) n];
            in.readFully(p);
            return new Frame(op, p);
        } catch (EOFException | SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            if (socket.isClosed()) throw e;
            return null;
        }
    }

    /** Frames until a text one (returned), a Close (returned) or the end (null), at most the time. */
    Frame readTextOrClose(long timeoutMillis) throws IOException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() < end) {
            Frame f = read(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            if (f == null || f.opcode() == TEXT || f.opcode() == CLOSE || f.opcode() == -1) return f;
        }
        return null;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
