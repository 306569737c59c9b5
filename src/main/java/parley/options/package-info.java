/**
 * What every command's options share: the {@link parley.options.Address} syntax
 * ({@code HOST:PORT}) and duration values ({@link parley.options.DurationConverter}).
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.cli}, {@code parley.client}, {@code parley.cluster}, {@code parley.http},
 * {@code parley.log}, {@code parley.net}, {@code parley.protocol}, {@code parley.server},
 * {@code parley.soak}, {@code parley.tls}, {@code parley.web}. It is a leaf, so the client, the
 * bench and the server can all use it.
 */
package parley.options;
