/**
 * TLS set-up shared by the server and the client, with the JDK alone: PEM certificates and keys
 * ({@link parley.tls.PemFiles}), PKCS#12 key stores, and the SSL contexts and sockets built from
 * them ({@link parley.tls.Tls}).
 *
 * <p>Owns how key material is read and which protocol versions are spoken (TLS 1.3 only, whose
 * half-close lets a client end its input and still read the server's last replies, as over plain
 * TCP). Knows nothing of the chat protocol.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.cli}, {@code parley.client}, {@code parley.cluster}, {@code parley.http},
 * {@code parley.log}, {@code parley.net}, {@code parley.options}, {@code parley.protocol},
 * {@code parley.server}, {@code parley.soak}, {@code parley.web}.
 */
package parley.tls;
