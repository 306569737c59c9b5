/**
 * The one-line structured log ({@link parley.log.Log}: {@code time level event key=value}, or JSON)
 * and the bridge that routes java.util.logging (Helidon's, the JDK's) into it.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.cli}, {@code parley.client}, {@code parley.cluster}, {@code parley.http},
 * {@code parley.net}, {@code parley.options}, {@code parley.protocol}, {@code parley.server},
 * {@code parley.soak}, {@code parley.tls}, {@code parley.web}. A leaf: anything may log, and
 * logging knows nothing of what is logged.
 */
package parley.log;
