/**
 * The TCP transport, plain or TLS: the listener and accept loop ({@link parley.net.ChatServer}),
 * one reader per connection ({@link parley.net.Connection}, a thread only while it has input), the
 * sinks the core writes through ({@link parley.net.ChannelSink}, {@link parley.net.TlsSink}),
 * the epoll set where a silent plain connection waits with no thread ({@link parley.net.IdleReaders}),
 * the inline sends ({@link parley.net.NonBlockingSend}), and the Linux calls behind them, bound once
 * in {@link parley.net.Linux}, which the bench uses too.
 *
 * <p>Feeds each request line to the core's {@link parley.server.Session} and gives it a
 * {@link parley.server.Sink}; what a request means is the core's business.
 *
 * <p>Must not know: {@code parley.bench}, {@code parley.broadcast}, {@code parley.cli},
 * {@code parley.client}, {@code parley.cluster}, {@code parley.http}, {@code parley.options},
 * {@code parley.soak}, {@code parley.web}. It knows the core only through the session, the sink
 * and the chat it opens sessions on, and never the ring.
 */
package parley.net;
