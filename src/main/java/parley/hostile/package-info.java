/**
 * {@code parley hostile}: the hostile clients of issue 18, run against a whole server from outside.
 *
 * <p>Starts a server in a child process ({@code --max-memory 256m}, the launcher's JVM options) or
 * attacks a running one ({@code --connect}), and runs the attacks one after another, each bounded
 * in count and time: HTTP slowloris, silent chat connections, reply-backlog amplification, List
 * amplification, unfinished lines, a ring flood, a WebSocket fragment flood, bad WebSocket frames,
 * DNS rebinding, a request flood and Auth guessing. During each it measures the server's RSS
 * (before, peak, after), {@code /health}'s latency and a well-behaved member's round trip, and
 * checks that the offender got the documented answer; it exits non-zero when the server died,
 * {@code /health} did not answer, RSS went above the memory budget plus the JVM's overhead or did
 * not come back, or the member waited too long. {@link parley.hostile.HostilePhase} runs a few of
 * the attacks for the soak ({@code parley.soak} depends on this package, never the other way).
 *
 * <p>Talks to the server only over loopback sockets, as an attacker would: the chat protocol as
 * text lines, HTTP and WebSocket frames written by hand, {@code /metrics} as text, and the
 * server's RSS from {@code /proc}. It uses {@code options} for its command line only.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.budget}, {@code parley.cli}, {@code parley.client}, {@code parley.cluster},
 * {@code parley.http}, {@code parley.log}, {@code parley.net}, {@code parley.server},
 * {@code parley.soak}, {@code parley.tls}, {@code parley.web}.
 */
package parley.hostile;
