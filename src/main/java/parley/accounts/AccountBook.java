package parley.accounts;

import java.util.Optional;
import parley.log.Log;
import parley.server.Accounts;
import parley.server.PasswordRules;

/**
 * The {@link Accounts} the core signs sessions in to: records from an {@link AccountRecords},
 * passwords checked and hashed with a {@link PasswordHasher} on a {@link HashPool}.
 *
 * <p>A login for a name with no account (or no password) still computes one hash, against a
 * fixed dummy, so that its timing does not tell an unknown name from a wrong password.
 */
public final class AccountBook implements Accounts, AutoCloseable {
    private final AccountRecords records;
    private final PasswordHasher hasher;
    private final HashPool pool;
    /** Checked against when there is no real hash, to spend the same time; made on first need. */
    private volatile String dummy;

    public AccountBook(AccountRecords records, PasswordHasher hasher, HashPool pool) {
        this.records = records;
        this.hasher = hasher;
        this.pool = pool;
    }

    private String dummy() {
        String d = dummy;
        return d != null ? d : (dummy = hasher.hash("no account has this password"));
    }

    /** Accounts in memory with the default hash parameters: {@code --data none}, and tests. */
    public static AccountBook inMemory() {
        return new AccountBook(new MemoryAccountRecords(), new PasswordHasher(PasswordHasher.Params.DEFAULT), new HashPool());
    }

    @Override
    public Outcome register(String name, String password) {
        if (PasswordRules.check(password) != null) return Outcome.failed(Failure.BAD_PASSWORD);
        try {
            if (records.find(name).isPresent()) return Outcome.failed(Failure.NAME_REGISTERED);
            String hash = pool.run(() -> hasher.hash(password));
            AccountRecords.Stored s = records.insert(name, hash);
            return s == null ? Outcome.failed(Failure.NAME_REGISTERED) : Outcome.ok(account(s));
        } catch (HashPool.Busy e) {
            return Outcome.failed(Failure.BUSY);
        } catch (RuntimeException e) {
            return storeFailed("register", e);
        }
    }

    @Override
    public Outcome login(String name, String password) {
        try {
            Optional<AccountRecords.Stored> s = records.find(name);
            String hash = s.map(AccountRecords.Stored::hash).orElse(null);
            boolean right = pool.run(() -> hasher.verify(password, hash != null ? hash : dummy()));
            return right && hash != null ? Outcome.ok(account(s.get())) : Outcome.failed(Failure.WRONG_CREDENTIALS);
        } catch (HashPool.Busy e) {
            return Outcome.failed(Failure.BUSY);
        } catch (RuntimeException e) {
            return storeFailed("login", e);
        }
    }

    @Override
    public Outcome changePassword(Account account, String old, String password) {
        if (PasswordRules.check(password) != null) return Outcome.failed(Failure.BAD_PASSWORD);
        try {
            Optional<AccountRecords.Stored> s = records.find(account.name());
            if (s.isEmpty() || s.get().id() != account.id()) return Outcome.failed(Failure.WRONG_CREDENTIALS);
            String hash = s.get().hash();
            // An account made by a JWT has no password yet: its holder sets one with an empty "old".
            boolean right = hash == null ? old.isEmpty() : pool.run(() -> hasher.verify(old, hash));
            if (!right) return Outcome.failed(Failure.WRONG_CREDENTIALS);
            records.setHash(account.id(), pool.run(() -> hasher.hash(password)));
            return Outcome.ok(account);
        } catch (HashPool.Busy e) {
            return Outcome.failed(Failure.BUSY);
        } catch (RuntimeException e) {
            return storeFailed("password", e);
        }
    }

    @Override
    public Outcome signInExternal(String name) {
        try {
            Optional<AccountRecords.Stored> s = records.find(name);
            if (s.isPresent()) return Outcome.ok(account(s.get()));
            AccountRecords.Stored made = records.insert(name, null);
            // Lost a race with another first sign-in of the same name: that one made it.
            return Outcome.ok(account(made != null ? made : records.find(name).orElseThrow()));
        } catch (RuntimeException e) {
            return storeFailed("jwt", e);
        }
    }

    @Override
    public Optional<Account> lookup(String name) {
        try {
            return records.find(name).map(AccountBook::account);
        } catch (RuntimeException e) {
            Log.warn("accounts.lookup_failed", "error", e.getMessage());
            return Optional.empty();
        }
    }

    /** Adds an account with a password, for {@code parley accounts add}; false if the name is taken. */
    public boolean add(String name, String password) {
        return records.insert(name, hasher.hash(password)) != null;
    }

    private static Account account(AccountRecords.Stored s) {
        return new Account(s.id(), s.name());
    }

    private static Outcome storeFailed(String what, RuntimeException e) {
        Log.warn("accounts.store_failed", "operation", what, "error", e.getMessage());
        return Outcome.failed(Failure.UNAVAILABLE);
    }

    @Override
    public void close() {
        pool.close();
    }
}
