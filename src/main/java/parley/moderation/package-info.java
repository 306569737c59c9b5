/**
 * Group moderation (issue 22, docs/moderation.md): who may do what in a group, as pure decisions
 * over records. Owns the roles (owner, operators), the modes (invite-only, moderated, private),
 * the topic, bans and mutes with their expiry, invites, the server's admins and suspended
 * accounts, and the rights table that decides every moderation request, Join and Post. The time is
 * given (an injectable clock), so an expiry is decided without waiting for it. Persistence is
 * behind {@link parley.moderation.ModerationRecords}: the SQLite store implements it, and
 * {@link parley.moderation.MemoryModerationRecords} keeps it in memory for {@code --data none}.
 *
 * <p>Must not know: {@code parley.server}, {@code parley.store}, {@code parley.net},
 * {@code parley.web}, {@code parley.http}, {@code parley.cli}, {@code parley.client},
 * {@code parley.cluster}, {@code parley.broadcast}, {@code parley.log}. Nor sockets, sessions,
 * connections, threads or SQL: it decides, the server carries the decisions out.
 */
package parley.moderation;
