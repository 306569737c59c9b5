/**
 * The wire protocol: the packets clients and servers exchange, and the one codec that turns
 * newline-delimited JSON into packets and packets into bytes.
 *
 * <p>Owns the exact bytes: output is byte-identical to the serde_json encoding used by the
 * book's Rust {@code async-chat}. Input is parsed with Jackson's streaming parser and every
 * malformed form becomes a {@link parley.protocol.ProtocolException} whose message names the
 * problem. Also owns {@link parley.protocol.LineReader}, which frames lines with a hard length
 * limit.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.cli}, {@code parley.client}, {@code parley.cluster}, {@code parley.http},
 * {@code parley.log}, {@code parley.net}, {@code parley.options}, {@code parley.server},
 * {@code parley.soak}, {@code parley.tls}, {@code parley.web}. Nor sockets, groups, connections or
 * threads.
 */
package parley.protocol;
