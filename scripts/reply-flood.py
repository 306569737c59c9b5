#!/usr/bin/env python3
"""Attack 3 against an external server: a client in 1000 groups sends bad requests and never reads."""
import socket, sys, time, threading, urllib.request, re
port, http, pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def rss():
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS:"): return int(l.split()[1]) // 1024
def metric(name):
    t = urllib.request.urlopen(f"http://127.0.0.1:{http}/metrics", timeout=10).read().decode()
    m = re.search("^" + re.escape(name) + r" ([0-9.eE+]+)$", t, re.M)
    return float(m.group(1)) if m else None
m = socket.create_connection(("127.0.0.1", port)); m.sendall(b'{"Join":{"group_name":"g0"}}\n')
def rtt(i):
    t = time.monotonic(); m.sendall(b'{"Post":{"group_name":"g0","message":"p%d"}}\n' % i)
    buf = b""
    while not buf.endswith(b"\n"): buf += m.recv(4096)
    return (time.monotonic() - t) * 1000
time.sleep(0.5); rtt(0)
before = rss()
a = socket.socket(); a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096); a.connect(("127.0.0.1", port))
a.sendall(b"".join(b'{"Join":{"group_name":"g%d"}}\n' % i for i in range(1000)))
time.sleep(2)
def flood():
    try: a.sendall(b"{}\n" * 200_000)
    except OSError: pass
threading.Thread(target=flood, daemon=True).start()
peak, rtts = before, []
for i in range(1, 101):
    rtts.append(rtt(i)); peak = max(peak, rss()); time.sleep(0.05)
used = metric('parley_budget_used_bytes{budget="replies"}'); backlog = metric("parley_write_backlog_bytes")
pauses = metric("parley_backlog_pauses_total")
a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"); a.close()
time.sleep(8)
after_used = metric('parley_budget_used_bytes{budget="replies"}')
print(f"rss before={before} peak={peak} after8s={rss()} MB; replies budget used={used} backlog={backlog} pauses={pauses}; "
      f"after close used={after_used}; member rtt max={max(rtts):.1f} ms median={sorted(rtts)[50]:.1f} ms")
