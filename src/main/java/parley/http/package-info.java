/**
 * The HTTP side of the server (Helidon 4 SE, whose handlers run on virtual threads, like the rest
 * of Parley): health, metrics, and later the browser client and its WebSocket.
 *
 * <p>Owns the HTTP listener and its routes. Uses {@code server} only through its public surface
 * (ChatServer, Session); must not know the wire format beyond what {@code protocol} exposes.
 */
package parley.http;
