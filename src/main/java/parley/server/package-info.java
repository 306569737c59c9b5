/**
 * The chat server: the accept loop, one reader per connection (a thread only while it has input;
 * a silent connection waits in {@link parley.server.IdleReaders}), the group table, and each
 * connection's single writer.
 *
 * <p>Owns the data path from socket to socket: a line is framed and decoded by {@code protocol},
 * a post is encoded once by its {@link parley.server.Group} and sent into that group's
 * {@code broadcast} ring, and each member's {@link parley.server.Outbound} drains every ring it is
 * subscribed to into one buffered write; for a quiet group the poster's thread does that write
 * itself when the member's writer is idle, never waiting ({@link parley.server.NonBlockingSend}).
 * Between the session and the ring sits the
 * {@link parley.server.GroupBus} hook: locally a post goes straight into the ring; a cluster bus
 * ({@code parley.cluster}) publishes it and delivers back. Owns every server limit, named in
 * {@link parley.server.ServerConfig} (with {@code ServerCommand} and {@code ServerDefaults}
 * reading them from flags, a config file and the environment), and enforces them: each one
 * tripped gets the client an Error and is counted in {@link parley.server.Metrics}. Also owns
 * authentication ({@link parley.server.AuthTokens}, checked by the {@link parley.server.Session}
 * for every transport), TLS on the TCP listener, and the one-line {@link parley.server.Log}.
 *
 * <p>Must not know the JSON format (that is {@code protocol}'s) nor how the ring is built (that is
 * {@code broadcast}'s), nor how metrics are exposed (that is {@code http}'s), and knows nothing of
 * the client.
 */
package parley.server;
