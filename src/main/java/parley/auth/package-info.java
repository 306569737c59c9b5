/**
 * Authentication: the static token file ({@link parley.auth.AuthTokens}), kept as SHA-256 digests
 * and checked in constant time. The session decides when a client must authenticate; this package
 * decides whether a token is good.
 *
 * <p>Must not know: {@code parley.bench}, {@code parley.broadcast}, {@code parley.cli},
 * {@code parley.client}, {@code parley.cluster}, {@code parley.http}, {@code parley.log},
 * {@code parley.net}, {@code parley.options}, {@code parley.protocol}, {@code parley.server},
 * {@code parley.soak}, {@code parley.tls}, {@code parley.web}. A leaf: it knows no connection and
 * no protocol.
 */
package parley.auth;
