/**
 * The chat core, whatever the transport: {@link parley.server.Chat} (sessions, names, admission,
 * housekeeping, the orderly stop), each client's {@link parley.server.Session} (the transports'
 * entry point; its parts dispatch requests, hold its name and authentication, its memberships,
 * its posts and their limits), the {@link parley.server.GroupTable} and its
 * {@link parley.server.Group}s, and each connection's single writer,
 * {@link parley.server.Outbound}, built from parts that each hold one idea (the reply queue, the
 * drain, the writer's and the inline batch here; the writer role and the write deadline, which
 * know nothing of chat, in {@code parley.server.outbound}).
 *
 * <p>Owns the data path from request to write: a post is encoded once by its group and sent into
 * that group's {@code broadcast} ring, and each member's outbound drains every ring it is
 * subscribed to into one buffered write through its transport's {@link parley.server.Sink}. The
 * ring wakes a busy group's members itself, paced; a quiet group's wake it reports back, and the
 * poster's {@link parley.server.PendingWakes} decides whom to wake and on which thread: the
 * poster's thread does the write itself when the member's writer is idle, never waiting, or, while
 * the poster has more request lines read, the members' writers are woken once its lines run out.
 * Between the session and the ring sits the {@link parley.server.GroupBus}: locally a post goes
 * straight into the ring; a cluster bus publishes it and delivers back. Owns every
 * server limit, named in {@link parley.server.ServerConfig}, and enforces them: each one tripped
 * gets the client an Error and is counted in {@link parley.server.Metrics}.
 *
 * <p>Signs sessions in to accounts ({@code AccountSignIn}: Register, Login, Password
 * and JWTs in Auth) through {@link parley.server.Accounts} and {@link parley.server.SignInTokens},
 * which {@code parley.accounts} implements: how passwords are hashed, tokens verified and
 * accounts kept is not the core's business.
 *
 * <p>Carries out group moderation ({@code ModerationRequests}, {@code GroupEvents}): the
 * decisions are {@code parley.moderation}'s, the core puts each change's event into the group's
 * order and store, expels kicked and banned connections, refuses Joins and Posts the group's rules
 * forbid, and closes a suspended account's sessions (docs/moderation.md).
 *
 * <p>Does not know the JSON format (that is {@code protocol}'s), how the ring is built (that is
 * {@code broadcast}'s), nor how metrics are exposed.
 *
 * <p>Must not know: {@code parley.accounts}, {@code parley.bench}, {@code parley.cli},
 * {@code parley.client}, {@code parley.cluster}, {@code parley.http}, {@code parley.net},
 * {@code parley.soak}, {@code parley.store}, {@code parley.tls}, {@code parley.web}. The core talks to transports through
 * {@link parley.server.Sink} and to a cluster through {@link parley.server.GroupBus}; wiring them
 * is {@code parley.cli}'s job.
 */
package parley.server;
