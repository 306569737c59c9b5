package parley.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Attack 9: WebSocket frames no browser sends, {@code connections} of them, one per connection,
 * round-robin over the kinds: reserved opcodes, reserved bits, an unmasked frame, a stray
 * continuation, a new message inside one, a fragmented or too long ping, invalid close codes get a
 * Close with 1002 (a close reason that is not UTF-8: 1007), then the end; invalid UTF-8 in a text
 * frame gets the TCP answer ({@code invalid UTF-8 at byte N}) and the connection carries on.
 */
record BadFrames(int connections) implements Attack {

    /** One kind of bad input and the Close code it must get (0: an Error text instead). */
    private record Kind(String what, int code, Send send) {}

    private interface Send {
        void to(WsFrames ws) throws IOException;
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("reserved opcode 3", 1002, ws -> ws.frame(0x83, new byte[0], true)),
            new Kind("reserved opcode 11", 1002, ws -> ws.frame(0x8B, new byte[0], true)),
            new Kind("RSV1", 1002, ws -> ws.frame(0xC1, "{}".getBytes(UTF_8), true)),
            new Kind("unmasked", 1002, ws -> ws.frame(0x81, "{}".getBytes(UTF_8), false)),
            new Kind("stray continuation", 1002, ws -> ws.frame(true, WsFrames.CONTINUATION, "{}".getBytes(UTF_8))),
            new Kind("a message inside one", 1002, ws -> ws.frame(false, WsFrames.TEXT, "{".getBytes(UTF_8))
                    .frame(true, WsFrames.TEXT, "{}".getBytes(UTF_8))),
            new Kind("fragmented ping", 1002, ws -> ws.frame(false, WsFrames.PING, new byte[0])),
            new Kind("126-byte ping", 1002, ws -> ws.frame(true, WsFrames.PING, new byte[126])),
            new Kind("close code 1005", 1002, ws -> ws.close(1005, new byte[0])),
            new Kind("close code 5000", 1002, ws -> ws.close(5000, new byte[0])),
            new Kind("close reason not UTF-8", 1007, ws -> ws.close(1000, new byte[] {(byte) 0xC0, (byte) 0x80})),
            new Kind("invalid UTF-8", 0, ws -> ws.frame(true, WsFrames.TEXT,
                    new byte[] {'{', '"', 'L', 'i', 's', 't', '"', ':', '"', (byte) 0xFF, '"', '}'})));

    @Override
    public String name() {
        return "ws-bad-frames";
    }

    @Override
    public boolean needsHttp() {
        return true;
    }

    @Override
    public Outcome run(Target target, Duration duration) throws Exception {
        Bound bound = Bound.of(duration);
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (; sent < connections && bound.open(); sent++) {
            Kind k = KINDS.get(sent % KINDS.size());
            try (WsFrames ws = WsFrames.open(target.http())) {
                k.send().to(ws);
                WsFrames.Frame f = ws.readTextOrClose(10_000);
                String got = f == null ? "nothing" : f.opcode() == WsFrames.TEXT ? f.text() : "Close " + f.closeCode();
                boolean right = k.code() == 0 ? got.startsWith("{\"Error\":\"invalid UTF-8 at byte ")
                        : got.equals("Close " + k.code());
                if (!right && failures.size() < 20) failures.add(k.what() + ": got " + got);
            }
        }
        bound.hold();
        return new Attack.Outcome(sent + " connections with bad frames (" + KINDS.size() + " kinds), each answered "
                + "1002/1007 or the invalid UTF-8 Error", failures);
    }
}
