package parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-address table of wrong Auth tokens: its window, its cap, and what counts as an address. */
@DisplayName("AuthThrottle")
class AuthThrottleTest {
    private static final long MINUTE = AuthThrottle.WINDOW_NANOS;

    @Test
    @DisplayName("5 failures a minute, then refused until the minute from the first failure is over")
    void window() {
        AuthThrottle t = new AuthThrottle();
        long now = 1_000;
        for (int i = 0; i < AuthThrottle.MAX_FAILURES; i++) assertThat(t.attempt("10.0.0.1", now + i)).isTrue();
        assertThat(t.attempt("10.0.0.1", now + 10)).isFalse();
        assertThat(t.attempt("10.0.0.2", now + 10)).as("another address").isTrue();
        assertThat(t.attempt("10.0.0.1", now + MINUTE - 1)).isFalse();
        assertThat(t.attempt("10.0.0.1", now + MINUTE)).as("a new minute").isTrue();
    }

    @Test
    @DisplayName("a right token takes its attempt back: signing in never throttles, and leaves no entry")
    void success() {
        AuthThrottle t = new AuthThrottle();
        for (int i = 0; i < 100; i++) {
            assertThat(t.attempt("10.0.0.1", i)).isTrue();
            t.succeeded("10.0.0.1");
        }
        assertThat(t.size()).isZero();
    }

    @Test
    @DisplayName("at most MAX_ADDRESSES tracked; expired ones make room; past that a new address is not tracked")
    void bounded() {
        AuthThrottle t = new AuthThrottle();
        for (int i = 0; i < AuthThrottle.MAX_ADDRESSES + 500; i++) t.attempt("a" + i, 0);
        assertThat(t.size()).isEqualTo(AuthThrottle.MAX_ADDRESSES);
        assertThat(t.attempt("late", 2 * MINUTE)).isTrue();
        assertThat(t.size()).as("the expired ones were dropped").isEqualTo(1);
    }

    @Test
    @DisplayName("the address of a peer, whatever its port and transport")
    void addressOf() {
        assertThat(AuthThrottle.addressOf("/127.0.0.1:5555")).isEqualTo("127.0.0.1");
        assertThat(AuthThrottle.addressOf("localhost/127.0.0.1:5555")).isEqualTo("127.0.0.1");
        assertThat(AuthThrottle.addressOf("ws /127.0.0.1:5555")).isEqualTo("127.0.0.1");
        assertThat(AuthThrottle.addressOf("/0:0:0:0:0:0:0:1:5555")).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(AuthThrottle.addressOf("ws /[::1]:5555")).isEqualTo("::1");
        assertThat(AuthThrottle.addressOf("?")).isEqualTo("?");
    }
}
