/**
 * The terminal client: parses the book's commands ({@code join GROUP}, {@code post GROUP MESSAGE...})
 * and Parley's ({@code nick}, {@code leave}, {@code list}, {@code who}, {@code history}, and the
 * moderation commands of {@code ModerationCommands}), sends them as packets, and shows what the
 * server sends back.
 *
 * <p>{@link parley.client.ChatClient} runs a session on a {@code Console}: piped, the plain console
 * prints exactly what the book's client prints, and nothing else on standard output; on a terminal,
 * a JLine console adds line editing, history, a colour per group, highlighted lag notices, message
 * times, join and leave confirmations, history dimmed under an {@code --- earlier messages ---} line
 * and completion of names. After {@code nick} posts carry ids and are resent after a reconnection
 * until acknowledged ({@code PostLedger}).
 *
 * <p>Uses {@code protocol} for the bytes. Knows nothing of the server's internals: it
 * talks to any server that speaks the protocol, the book's Rust server included.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.cli}, {@code parley.cluster}, {@code parley.http}, {@code parley.log},
 * {@code parley.net}, {@code parley.server}, {@code parley.soak}, {@code parley.web}. It talks to
 * any server that speaks the protocol, the book's Rust server included.
 */
package parley.client;
