package parley.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import parley.accounts.AccountBook;
import parley.accounts.AccountRecords;
import parley.accounts.HashPool;
import parley.accounts.JwtKeys;
import parley.accounts.JwtVerifier;
import parley.accounts.MemoryAccountRecords;
import parley.accounts.PasswordHasher;
import parley.log.Log;
import parley.server.InvalidSettingException;
import parley.server.SignIn;
import parley.server.Store;
import parley.store.SqliteStore;

/**
 * The account settings of {@code parley server} ({@code --registration}, {@code --accounts},
 * {@code --jwt-*}), read and checked before anything starts, and the {@link SignIn} they make once
 * the store is open: accounts in the SQLite store, or in memory with {@code --data none} (and in
 * cluster mode, where each node keeps its own).
 */
record SignInSettings(boolean registrationOpen, boolean required, JwtVerifier jwt) {

    static SignInSettings read(String registration, String accounts, Path jwtKey, String audience, String issuer,
                               Duration leeway) throws IOException {
        boolean open = choice("registration", registration, "open", "closed");
        boolean required = !choice("accounts", accounts, "optional", "required");
        JwtVerifier jwt = null;
        if (jwtKey != null) {
            JwtKeys keys = JwtKeys.load(jwtKey);
            jwt = new JwtVerifier(keys, audience, issuer, leeway == null ? JwtVerifier.DEFAULT_LEEWAY : leeway);
            Log.info("jwt.enabled", "key", jwtKey, "kind", keys.kind(), "audience", audience == null ? "-" : audience,
                    "issuer", issuer == null ? "-" : issuer);
        } else if (audience != null || issuer != null) {
            throw new InvalidSettingException("jwt-key", "--jwt-audience and --jwt-issuer need --jwt-key");
        }
        return new SignInSettings(open, required, jwt);
    }

    /** True for the first choice, false for the second; anything else is refused. */
    private static boolean choice(String setting, String value, String yes, String no) {
        String v = value == null ? yes : value.strip().toLowerCase(Locale.ROOT);
        if (v.equals(yes)) return true;
        if (v.equals(no)) return false;
        throw new InvalidSettingException(setting, setting + " must be " + yes + " or " + no + ", got '" + value + "'");
    }

    /** The sign-in the chat uses, with accounts kept where the store is. */
    SignIn signIn(Store store) {
        AccountRecords records = store instanceof SqliteStore s ? s.accounts() : new MemoryAccountRecords();
        if (!(store instanceof SqliteStore)) Log.info("accounts.in_memory", "why", "no store: accounts end with the process");
        AccountBook book = new AccountBook(records, new PasswordHasher(PasswordHasher.Params.DEFAULT), new HashPool());
        return new SignIn(book, jwt, registrationOpen, required);
    }
}
