/**
 * The memory budgets every buffer a client can grow draws from: {@link parley.budget.MemoryBudget}
 * (one bounded pool of bytes, reserved before allocating and released when let go) and
 * {@link parley.budget.Budgets} (the server's budgets, each a share of {@code --max-memory}).
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.cli}, {@code parley.client}, {@code parley.cluster}, {@code parley.http},
 * {@code parley.log}, {@code parley.net}, {@code parley.options}, {@code parley.protocol},
 * {@code parley.server}, {@code parley.soak}, {@code parley.tls}, {@code parley.web}. A leaf: the
 * ring, the line reader, the core and the transports can all draw from it.
 */
package parley.budget;
