/**
 * {@code parley bench}: a load generator that measures a chat server from the outside, the way
 * {@code nats bench} or {@code redis-benchmark} do.
 *
 * <p>Owns the scenarios (fan-out, many groups, idle connections), open-loop paced publishers that
 * stamp each message with its intended send time (so latency includes any delay the server or the
 * harness caused, with no coordinated omission), subscribers multiplexed on NIO selector threads,
 * the per-publisher sequence check, latency histograms and their plot, the final report, and the
 * operating-system chores of very many connections (file-descriptor limit, several loopback source
 * addresses). Every connection goes over one {@code Transport}: plain TCP (subscribers read by
 * non-blocking selector threads, the path the compare runs measure), TLS (the JDK's
 * {@code SSLSocket}, with the client's trust set-up from {@code parley.tls}), or WebSocket (the
 * JDK's {@code HttpClient}, which does the framing).
 *
 * <p>Knows nothing of the server's internals: it talks to any server over the protocol, using only
 * {@code parley.protocol} for the bytes, so it measures Parley and the book's Rust server alike.
 * Nothing in {@code parley.server} may be imported here (tests may start one in-process). It only
 * ever connects to loopback addresses. Its Linux calls (the descriptor limit, timer slack, whether
 * stderr is a terminal) are {@link parley.net.Linux}'s, where every Linux call Parley makes is bound.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.broadcast}, {@code parley.cli},
 * {@code parley.client}, {@code parley.cluster}, {@code parley.http}, {@code parley.log},
 * {@code parley.server}, {@code parley.soak}, {@code parley.web}. It only ever connects to loopback
 * addresses.
 */
package parley.bench;
