/**
 * Chat from a browser: the WebSocket gateway at {@code /ws} and the chat page at {@code /}, both on
 * the HTTP listener ({@link parley.http.HttpFrontend}).
 *
 * <p>Owns the WebSocket transport: the Host check on every request of the HTTP listener and the
 * origin check before the upgrade, the frames themselves ({@code FrameConnection}, in place of
 * Helidon's connection: protocol errors, messages assembled in bytes against the fragments
 * budget), framing (one request per text message, one packet line per text message back), the
 * message-size limit, and the mapping of
 * a WebSocket's life onto a {@link parley.server.Session} opened with
 * {@link parley.server.Chat#openSession}. Also owns the page's files under
 * {@code src/main/resources/web/}.
 *
 * <p>Does not know the JSON format nor what a request does (it words its own few errors with
 * {@code protocol}'s encoder, as the TCP reader does): each text message is handed to the session
 * as one request line, so groups, lag, limits and authentication are exactly those of a TCP
 * client.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.cli}, {@code parley.client}, {@code parley.cluster}, {@code parley.net},
 * {@code parley.options}, {@code parley.soak}, {@code parley.tls}.
 */
package parley.web;
