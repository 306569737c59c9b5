#!/usr/bin/env python3
"""RSS of a parley server before, during and after a burst of unfinished-line connections (loopback, bounded)."""
import socket, sys, time, os
port, pid, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def rss():
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS:"): return int(l.split()[1]) // 1024
def member_rtt(m):
    t = time.monotonic()
    m.sendall(b'{"Post":{"group_name":"g","message":"ping"}}\n')
    buf = b""
    while b"\n" not in buf: buf += m.recv(4096)
    return (time.monotonic() - t) * 1000
m = socket.create_connection(("127.0.0.1", port)); m.sendall(b'{"Join":{"group_name":"g"}}\n')
time.sleep(1); member_rtt(m)
out = {"before": rss()}
chunk = b"x" * 600_000
socks, peak, rtts = [], out["before"], []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port)); s.setblocking(False)
    try: s.send(chunk)
    except (BlockingIOError, OSError): pass
    socks.append(s)
    if i % 25 == 0:
        peak = max(peak, rss()); rtts.append(member_rtt(m))
for _ in range(10):
    time.sleep(0.5); peak = max(peak, rss()); rtts.append(member_rtt(m))
out["peak"] = peak
for s in socks: s.close()
for t in (5, 15, 30):
    time.sleep(t - (5 if t == 15 else 15 if t == 30 else 0))
    out[f"after{t}s"] = rss()
out["member_rtt_ms_max"] = round(max(rtts), 1)
print(" ".join(f"{k}={v}" for k, v in out.items()))
