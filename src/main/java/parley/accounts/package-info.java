/**
 * Accounts: the {@link parley.server.Accounts} the core signs sessions in to
 * ({@link parley.accounts.AccountBook}), over records kept by the store or in memory
 * ({@link parley.accounts.AccountRecords}); password hashing with Argon2id
 * ({@link parley.accounts.PasswordHasher}) on a small bounded pool off the connections' readers
 * ({@link parley.accounts.HashPool}); and JWT verification with nimbus-jose-jwt
 * ({@link parley.accounts.JwtVerifier}, its key from {@link parley.accounts.JwtKeys}).
 * docs/accounts.md explains the protocol, the parameters and the limits.
 *
 * <p>Passwords and tokens are never logged, never kept in memory past the request, and never sent
 * back; only their hashes are stored.
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.cli}, {@code parley.client}, {@code parley.cluster}, {@code parley.http},
 * {@code parley.net}, {@code parley.protocol}, {@code parley.soak}, {@code parley.store},
 * {@code parley.tls}, {@code parley.web}. It implements the core's interfaces; where records live
 * is behind {@link parley.accounts.AccountRecords}, and wiring is {@code parley.cli}'s job.
 */
package parley.accounts;
