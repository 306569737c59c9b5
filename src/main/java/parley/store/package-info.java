/**
 * The SQLite store: {@link parley.store.SqliteStore}, the {@link parley.server.Store} a single node
 * keeps its groups' messages in, so that they outlive the process. One database file in WAL mode
 * under the data directory ({@link parley.store.DataDir}, which also holds the lock that keeps a
 * second server out), its schema and ordered migrations ({@link parley.store.Schema}), the meta
 * row of epoch, clean-stop flag and seq floor ({@link parley.store.Meta}), the one writer thread
 * that commits posts in batches ({@link parley.store.Writer}) and deletes what retention no longer
 * keeps ({@link parley.store.Retention}), the read-only connections that serve history
 * ({@link parley.store.Readers}), the online copy ({@link parley.store.Backup}) and the counters
 * behind {@code /metrics} ({@link parley.store.Counters}), and the accounts table
 * ({@link parley.store.SqliteAccounts}, the {@link parley.accounts.AccountRecords} of a node with a
 * store), and the moderation tables ({@link parley.store.SqliteModeration}, the
 * {@link parley.moderation.ModerationRecords} of a node with a store; moderation events are rows
 * of a group's messages). docs/store.md explains the promises.
 *
 * <p>Owns the crash rule that keeps a seq naming one message within an epoch: after an unclean
 * stop every group's numbering, and the floor for groups without a row, jumps past anything that
 * may have been delivered but not committed.
 *
 * <p>Knows the core only through {@link parley.server.Store}: it stores what it is given and
 * never sees a group, a session or the wire format.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.budget}, {@code parley.cli}, {@code parley.client}, {@code parley.cluster},
 * {@code parley.http}, {@code parley.net}, {@code parley.protocol}, {@code parley.soak},
 * {@code parley.tls}, {@code parley.web}. It implements the core's interface and nothing of the
 * transports; wiring it in is {@code parley.cli}'s job.
 */
package parley.store;
