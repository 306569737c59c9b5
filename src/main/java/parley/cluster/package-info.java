/**
 * Cluster mode: several Parley nodes sharing their groups through NATS JetStream.
 *
 * <p>Owns {@link parley.cluster.NatsBus}, the {@link parley.server.GroupBus} that publishes each
 * post to the stream {@code PARLEY} (one subject per group, {@code parley.g.<token>}, see
 * {@link parley.cluster.Subjects}) and feeds this node's group rings only from what the stream
 * delivers back, in stream order, with the stream sequence as each message's {@code seq}. It also
 * owns how a post is carried on the bus ({@link parley.cluster.BusPayload}: the poster's name and
 * the text, not the client protocol), the bus-outage notices, and Fetch from the stream's retained
 * history ({@link parley.cluster.HistoryReader}, {@code after} and {@code before}). For the store's
 * promises it owns their JetStream form: ids as {@code Nats-Msg-Id}, {@code Posted} and {@code ts}
 * from the stream ({@link parley.cluster.RecentTimes}, {@link parley.cluster.StreamTimes}), the epoch and the retention options as the
 * stream's limits ({@link parley.cluster.StreamSetup}, {@link parley.cluster.Retention}).
 * docs/cluster.md explains the design, the guarantees and what each fault can lose.
 *
 * <p>Knows the client wire format only through {@code protocol}'s public API (it builds
 * {@link parley.protocol.FromServer.Message} records and nothing else), nor how a group's ring or a
 * session works: it sees groups only through {@link parley.server.Group}'s public methods.
 *
 * <p>Owns its own state for each group it follows on this node (whether the group's earlier
 * messages are loaded, so that joiners wait; the last stream sequence delivered, so that a
 * re-read after an outage delivers nothing twice): the core keeps none of it.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.cli}, {@code parley.client}, {@code parley.http}, {@code parley.net},
 * {@code parley.options}, {@code parley.soak}, {@code parley.tls}, {@code parley.web}. It sees
 * groups only through the core's public surface, and never how their members are woken.
 */
package parley.cluster;
