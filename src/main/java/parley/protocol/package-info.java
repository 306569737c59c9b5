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
 * <p>Must not know about sockets, groups, connections or threads.
 */
package parley.protocol;
