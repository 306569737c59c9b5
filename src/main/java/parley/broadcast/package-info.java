/**
 * A bounded, lossy, multi-producer broadcast channel: the Java counterpart of tokio's
 * {@code broadcast} channel that the book's server builds each group on.
 *
 * <p>Owns the ring of the last {@code capacity} values, each receiver's cursor, exact lag counts,
 * and waking receivers by park/unpark (never spinning or polling). A sender never waits for a
 * receiver; a receiver that falls more than the capacity behind is told exactly how many values it
 * missed and resumes at the oldest one still held. Also owns when a busy channel's receivers are
 * woken: once per burst ({@link parley.broadcast.Coalescer}). A quiet channel's send reports its
 * wake to the sender instead ({@link parley.broadcast.Broadcast.Sent}), which decides when to give
 * it and on which thread the receivers are served: the channel never calls back into its sender.
 *
 * <p>Generic and self-contained: it knows nothing of JSON, sockets, groups or connections, so it
 * can be stress-tested and benchmarked on its own.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.cli},
 * {@code parley.client}, {@code parley.cluster}, {@code parley.http}, {@code parley.log},
 * {@code parley.net}, {@code parley.options}, {@code parley.protocol}, {@code parley.server},
 * {@code parley.soak}, {@code parley.tls}, {@code parley.web}.
 */
package parley.broadcast;
