/**
 * A bounded, lossy, multi-producer broadcast channel: the Java counterpart of tokio's
 * {@code broadcast} channel that the book's server builds each group on.
 *
 * <p>Owns the ring of the last {@code capacity} values, each receiver's cursor, exact lag counts,
 * and waking receivers by park/unpark (never spinning or polling). A sender never waits for a
 * receiver; a receiver that falls more than the capacity behind is told exactly how many values it
 * missed and resumes at the oldest one still held. Also owns when receivers are woken: at once,
 * or, for a channel sent to in bursts, once per burst ({@link parley.broadcast.Coalescer}), or
 * once a sender with more sends coming lets its held wakes go ({@link parley.broadcast.HeldWakes}).
 *
 * <p>Generic and self-contained: must not know about JSON, sockets, groups or connections, so it
 * can be stress-tested and benchmarked on its own.
 */
package parley.broadcast;
