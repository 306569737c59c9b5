package parley.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSocket;
import parley.tls.Tls;

/**
 * The client's connection to the server, plain TCP or TLS: bytes in as a channel (for the
 * {@link parley.protocol.LineReader}), lines out, and a half-close that ends our input while the
 * server's last replies still arrive (over TLS 1.3, a close_notify in one direction only).
 */
abstract sealed class ClientLink permits ClientLink.Plain, ClientLink.Secure {
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    abstract ReadableByteChannel in();

    abstract void write(byte[] line) throws IOException;

    abstract void shutdownOutput() throws IOException;

    abstract void close();

    static ClientLink open(InetSocketAddress address, ClientSecurity security) throws IOException {
        if (security.tls() == null) {
            SocketChannel ch = SocketChannel.open();
            try {
                ch.socket().connect(address, CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return new Plain(ch);
        }
        Socket plain = new Socket();
        try {
            plain.connect(address, CONNECT_TIMEOUT_MS);
            SSLSocket s = Tls.overConnected(security.tls(), plain, address.getHostString(), security.verifyHost());
            s.setSoTimeout(CONNECT_TIMEOUT_MS);
            try {
                s.startHandshake();
            } catch (IOException e) {
                throw new IOException("TLS handshake failed: "
                        + ConnectionHints.handshakeFailed(e, address, security.customCa()), e);
            }
            s.setSoTimeout(0);
            return new Secure(s);
        } catch (IOException e) {
            plain.close();
            throw e;
        }
    }

    static final class Plain extends ClientLink {
        private final SocketChannel ch;

        Plain(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        ReadableByteChannel in() {
            return ch;
        }

        @Override
        void write(byte[] line) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) ch.write(b);
        }

        @Override
        void shutdownOutput() throws IOException {
            ch.shutdownOutput();
        }

        @Override
        void close() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // exiting anyway
            }
        }
    }

    static final class Secure extends ClientLink {
        private final SSLSocket s;
        private final ReadableByteChannel in;
        private final OutputStream out;

        Secure(SSLSocket s) throws IOException {
            this.s = s;
            this.in = Channels.newChannel(s.getInputStream());
            this.out = s.getOutputStream();
        }

        @Override
        ReadableByteChannel in() {
            return in;
        }

        @Override
        void write(byte[] line) throws IOException {
            out.write(line);
            out.flush();
        }

        @Override
        void shutdownOutput() throws IOException {
            s.shutdownOutput();
        }

        @Override
        void close() {
            try {
                s.close();
            } catch (IOException ignored) {
                // exiting anyway
            }
        }
    }
}
