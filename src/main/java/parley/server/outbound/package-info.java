/**
 * The parts of a connection's single writer that know nothing of chat or transports, so they can
 * be reasoned about and stress-tested on their own: the {@link parley.server.outbound.WriterRole}
 * (which thread may write, and when a writer thread starts, parks, retires or ends) and the
 * {@link parley.server.outbound.WriteDeadline} (how long the write in progress has taken
 * nothing). {@code parley.server.Outbound} builds the connection's writer from them.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.cli}, {@code parley.client}, {@code parley.cluster}, {@code parley.http},
 * {@code parley.log}, {@code parley.net}, {@code parley.options}, {@code parley.protocol},
 * {@code parley.server}, {@code parley.soak}, {@code parley.tls}, {@code parley.web}. It is
 * driven by the core's {@code Outbound}, never the other way round.
 */
package parley.server.outbound;
