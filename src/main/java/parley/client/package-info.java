/**
 * The terminal client: parses the book's commands ({@code join GROUP}, {@code post GROUP MESSAGE...})
 * from standard input, sends them as packets, and prints what the server sends back, exactly as the
 * book's client prints it.
 *
 * <p>Uses {@code protocol} for the bytes. Must not know anything about the server's internals: it
 * talks to any server that speaks the protocol, the book's Rust server included.
 */
package parley.client;
