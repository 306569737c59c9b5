/**
 * The chat server: the accept loop, one reader per connection, the group table, and each
 * connection's single writer.
 *
 * <p>Owns the data path from socket to socket: a line is framed and decoded by {@code protocol},
 * a post is encoded once by its {@link parley.server.Group} and sent into that group's
 * {@code broadcast} ring, and each member's {@link parley.server.Outbound} drains every ring it is
 * subscribed to into one buffered write. Between the session and the ring sits the
 * {@link parley.server.GroupBus} hook: locally a post goes straight into the ring; a cluster bus
 * ({@code parley.cluster}) publishes it and delivers back. Owns every server limit, named in
 * {@link parley.server.ServerConfig}.
 *
 * <p>Must not know the JSON format (that is {@code protocol}'s) nor how the ring is built (that is
 * {@code broadcast}'s), and knows nothing of the client or the command line.
 */
package parley.server;
