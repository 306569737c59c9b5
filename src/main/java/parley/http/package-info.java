/**
 * The HTTP side of the server (Helidon 4 SE, whose handlers run on virtual threads, like the rest
 * of Parley): the listener, {@code /health}, {@code /metrics}, and a {@code Routes} hook through
 * which other features (the WebSocket gateway and chat page of {@code parley.web}) add theirs.
 *
 * <p>Owns the HTTP listener and its routes. Uses the core and the TCP listener only through their
 * public surface (ChatServer, Chat, Metrics); must not know the wire format beyond what
 * {@code protocol} exposes.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.cli}, {@code parley.client}, {@code parley.cluster}, {@code parley.options},
 * {@code parley.protocol}, {@code parley.soak}, {@code parley.tls}, {@code parley.web}. Routes of
 * other features come in through {@link parley.http.HttpFrontend.Routes}.
 */
package parley.http;
