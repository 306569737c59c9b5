#!/usr/bin/env python3
# Idle connections for measuring what one costs the server (docs/performance.md, "Where an idle
# WebSocket connection's memory goes"): opens N chat connections, plain TCP lines or WebSocket
# text frames (a raw handshake, Host and Origin the listener's own), each sends Hello and Join
# (group i % 100), drains what the server sends until 1 s of silence, then holds them: prints
# "idle" after HOLD s and keeps them until killed (at most 300 s). With "close", closes them at
# once instead (a warm-up). Python's standard library only; loopback.
#   bench/idle-conns.py ws|tcp HOST PORT N HOLD [close]     (ws: PORT is the HTTP listener's)
import base64, os, selectors, socket, sys, time
mode, host, port, n, hold = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
close_after = len(sys.argv) > 6

def frame(text):  # one masked text frame (client to server), payload < 126 bytes
    p = text.encode(); m = os.urandom(4)
    return bytes([0x81, 0x80 | len(p)]) + m + bytes(b ^ m[i & 3] for i, b in enumerate(p))

socks = []
for i in range(n):
    s = socket.create_connection((host, port))
    hello = '{"Hello":{"name":"u%d_%d"}}' % (os.getpid(), i)
    join = '{"Join":{"group_name":"g%d"}}' % (i % 100)
    if mode == "ws":
        key = base64.b64encode(os.urandom(16)).decode()
        s.sendall(("GET /ws HTTP/1.1\r\nHost: %s:%d\r\nOrigin: http://%s:%d\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                   % (host, port, host, port, key)).encode())
        resp = b""
        while b"\r\n\r\n" not in resp:
            c = s.recv(4096)
            if not c: sys.exit("closed during handshake %d: %r" % (i, resp))
            resp += c
        if not resp.startswith(b"HTTP/1.1 101"): sys.exit("handshake %d: %r" % (i, resp[:200]))
        s.sendall(frame(hello) + frame(join))
    else:
        s.sendall((hello + "\n" + join + "\n").encode())
    s.setblocking(False)
    socks.append(s)
sel = selectors.DefaultSelector()
for s in socks: sel.register(s, selectors.EVENT_READ)
got, quiet_since, deadline = 0, time.time(), time.time() + 30
while time.time() - quiet_since < 1.0 and time.time() < deadline:  # drain until 1 s of silence
    for key, _ in sel.select(0.2):
        try:
            d = key.fileobj.recv(65536)
        except BlockingIOError:
            continue
        if not d: sys.exit("a connection was closed by the server")
        got += len(d); quiet_since = time.time()
print("connected %d, %d bytes received" % (n, got), flush=True)
if close_after:
    for s in socks: s.close()
    sys.exit(0)
time.sleep(hold)
print("idle", flush=True)
time.sleep(300)
