package parley.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.server.ServerConfig;
import parley.testing.TestClient;
import parley.testing.WsFrameClient;
import parley.testing.WsFrameClient.Frame;

/**
 * Attack 9 of issue 18: WebSocket input that TCP input would not get away with. Invalid UTF-8 is
 * answered as on TCP (the same Error, the connection carries on); a reserved opcode, reserved
 * bits, an unmasked frame, a stray continuation, an invalid close code get a Close with 1002 (a
 * close reason that is not UTF-8: 1007), then the end; never HTTP bytes inside the stream (the
 * frame client fails on any byte that is not a server frame). Meanwhile a TCP member chats and
 * /health answers.
 */
@DisplayName("hostile: bad WebSocket frames")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebSocketBadFramesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private WebTarget server;
    private TestClient member;

    @BeforeEach
    void start() throws Exception {
        server = WebTarget.start(ServerConfig.builder().maxMemoryBytes(256L << 20));
        member = TestClient.connect(server.tcp());
        member.join("calm");
        server.roundTrip(member, "calm", 0); // the join has been handled
    }

    @AfterEach
    void stop() throws Exception {
        if (member != null) member.close();
        if (server != null) server.close();
    }

    private void stillServing(int n) throws Exception {
        server.roundTrip(member, "calm", n);
        assertThat(server.get("/health", "127.0.0.1:" + server.port())).isEqualTo(200);
    }

    @Test
    @DisplayName("invalid UTF-8 gets the TCP answer, word for word, and the connection carries on")
    void invalidUtf8() throws Exception {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.writeBytes("{\"Post\":{\"group_name\":\"calm\",\"message\":\"".getBytes(UTF_8));
        line.write(0xFF);
        line.write(0xFE);
        line.writeBytes("\"}}".getBytes(UTF_8));
        byte[] bad = line.toByteArray();

        TestClient tcp = TestClient.connect(server.tcp());
        tcp.sendBytes(concat(bad, new byte[] {'\n'}));
        String tcpAnswer = tcp.readLine();
        tcp.close();
        assertThat(tcpAnswer).startsWith("{\"Error\":\"invalid UTF-8 at byte ");

        try (WsFrameClient ws = WsFrameClient.open(server.port())) {
            ws.frame(true, WsFrameClient.TEXT, bad);
            assertThat(ws.readText(WAIT)).isEqualTo(tcpAnswer);
            // Split inside a character across two frames: joined as bytes, so it is valid.
            byte[] snow = TestClient.postLine("calm", "snow \u2603 man").getBytes(UTF_8);
            int cut = TestClient.postLine("calm", "snow ").getBytes(UTF_8).length + 1; // inside U+2603
            ws.frame(false, WsFrameClient.TEXT, java.util.Arrays.copyOfRange(snow, 0, cut));
            ws.frame(true, WsFrameClient.CONTINUATION, java.util.Arrays.copyOfRange(snow, cut, snow.length));
            // The bad post reached no one: the member's next line is this one.
            member.expectLine(TestClient.messageLine("calm", "snow \u2603 man"));
            ws.text("{\"List\":{}}");
            assertThat(ws.readText(WAIT)).startsWith("{\"Groups\":");
        }
        stillServing(1);
    }

    @Test
    @DisplayName("reserved opcodes, reserved bits, unmasked and stray frames: Close 1002, then the end")
    void protocolErrors() throws Exception {
        int n = 0;
        for (int op : new int[] {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
            expectProtocolError(c -> c.frame(0x80 | op, new byte[0], true), 1002, "reserved opcode " + op);
            if (++n % 3 == 0) stillServing(n);
        }
        expectProtocolError(c -> c.frame(0x80 | 0x40 | WsFrameClient.TEXT, "{}".getBytes(UTF_8), true), 1002, "RSV1");
        expectProtocolError(c -> c.frame(0x80 | WsFrameClient.TEXT, "{}".getBytes(UTF_8), false), 1002, "unmasked");
        expectProtocolError(c -> c.frame(true, WsFrameClient.CONTINUATION, "{}".getBytes(UTF_8)), 1002, "stray continuation");
        expectProtocolError(c -> c.frame(false, WsFrameClient.TEXT, "{".getBytes(UTF_8))
                .frame(true, WsFrameClient.TEXT, "{}".getBytes(UTF_8)), 1002, "a new message inside one");
        expectProtocolError(c -> c.frame(false, WsFrameClient.PING, new byte[0]), 1002, "fragmented ping");
        expectProtocolError(c -> c.frame(true, WsFrameClient.PING, new byte[126]), 1002, "ping over 125 bytes");
        stillServing(100);
        await().atMost(WAIT).until(() -> server.chat.connectionCount() == 1);
    }

    @Test
    @DisplayName("invalid close codes: 1002; a close reason that is not UTF-8: 1007; a valid Close: answered")
    void closeCodes() throws Exception {
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
            expectProtocolError(c -> c.close(code, ""), 1002, "close code " + code);
        }
        expectProtocolError(c -> c.frame(true, WsFrameClient.CLOSE, new byte[] {3}), 1002, "one-byte close body");
        expectProtocolError(c -> c.frame(true, WsFrameClient.CLOSE, new byte[] {3, (byte) 232, (byte) 0xC0, (byte) 0x80}),
                1007, "close reason not UTF-8");
        for (int code : new int[] {1000, 1001, 1003, 1011, 3000, 4999}) {
            try (WsFrameClient c = WsFrameClient.open(server.port())) {
                c.close(code, "bye");
                Frame f = c.readUntilClose(WAIT);
                assertThat(f).as("answer to " + code).isNotNull();
                assertThat(f.closeCode()).isEqualTo(1000);
            }
        }
        stillServing(1);
        await().atMost(WAIT).until(() -> server.chat.connectionCount() == 1);
    }

    private interface Send {
        void to(WsFrameClient c) throws Exception;
    }

    private void expectProtocolError(Send send, int code, String what) throws Exception {
        try (WsFrameClient c = WsFrameClient.open(server.port())) {
            c.text("{\"List\":{}}");
            assertThat(c.readText(WAIT)).as(what).startsWith("{\"Groups\":");
            send.to(c);
            Frame f = c.readUntilClose(WAIT);
            assertThat(f).as(what + ": a Close frame").isNotNull();
            assertThat(f.closeCode()).as(what).isEqualTo(code);
            assertThat(c.ended(WAIT)).as(what + ": the connection ends").isTrue();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
