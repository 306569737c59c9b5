package parley.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import parley.protocol.FromClient;

/** The moderation state over its records, with an injected clock: expiry, ownership on creation, admins, suspensions. */
@DisplayName("moderation state")
class ModerationTest {
    final AtomicLong clock = new AtomicLong(1_765_000_000_000L);
    final MemoryModerationRecords records = new MemoryModerationRecords();
    final Moderation moderation = new Moderation(records, clock::get, Set.of("ada"), false);
    final Names names = moderation.names(n -> !n.equals("ghost"));

    @Test
    @DisplayName("a ban for 10m holds until the 10 minutes are up, then the account may join again")
    void banExpires() {
        assertThat(moderation.created("g", Actor.account("olive"))).isTrue();
        Decision d = moderation.apply("g", Actor.account("olive"), new FromClient.Ban("g", "bob", null, Duration.ofMinutes(10)), names);
        assertThat(d).isInstanceOf(Decision.Change.class);
        assertThat(moderation.joinRefusal("g", Actor.account("bob"))).isEqualTo("you are banned from 'g'");
        clock.addAndGet(Duration.ofMinutes(10).toMillis() - 1);
        assertThat(moderation.joinRefusal("g", Actor.account("bob"))).isEqualTo("you are banned from 'g'");
        clock.addAndGet(1);
        assertThat(moderation.joinRefusal("g", Actor.account("bob"))).isNull();
        // Expired, it is gone at the next change, and Unban has nothing to lift.
        d = moderation.apply("g", Actor.account("olive"), new FromClient.Unban("g", "bob"), names);
        assertThat(((Decision.Refusal) d).error()).isEqualTo("'bob' is not banned from 'g'");
    }

    @Test
    @DisplayName("a mute for 1h ends by the clock; a permanent one does not")
    void muteExpires() {
        moderation.created("g", Actor.account("olive"));
        moderation.apply("g", Actor.account("olive"), new FromClient.Mute("g", "bob", Duration.ofHours(1)), names);
        moderation.apply("g", Actor.account("olive"), new FromClient.Mute("g", "carl", null), names);
        assertThat(moderation.postRefusal("g", Actor.account("bob"), true)).isEqualTo("you are muted in 'g'");
        clock.addAndGet(Duration.ofHours(1).toMillis());
        assertThat(moderation.postRefusal("g", Actor.account("bob"), true)).isNull();
        assertThat(moderation.postRefusal("g", Actor.account("carl"), true)).isEqualTo("you are muted in 'g'");
    }

    @Test
    @DisplayName("the first account to create a group owns it; an anonymous creator leaves it ownerless; rules are kept")
    void creation() {
        assertThat(moderation.created("g", new Actor("anon", false, false))).isFalse();
        assertThat(moderation.known("g")).isFalse();
        assertThat(moderation.created("g", Actor.account("olive"))).isTrue();
        assertThat(moderation.created("g", Actor.account("bob"))).isFalse();
        assertThat(moderation.rules("g").owner()).isEqualTo("olive");
        assertThat(records.groups().get("g").owner()).isEqualTo("olive");
        moderation.apply("g", Actor.account("olive"), new FromClient.Drop("g"), names);
        assertThat(moderation.known("g")).isFalse();
        assertThat(records.groups()).isEmpty();
    }

    @Test
    @DisplayName("admins from the command line and from the records; suspensions end by the clock")
    void serverWide() {
        records.setAdmin("carol", true);
        records.suspend("bob", clock.get() + 1000);
        Moderation m = new Moderation(records, clock::get, Set.of("ada"), true);
        assertThat(m.actor("ada", true).admin()).isTrue();
        assertThat(m.actor("carol", true).admin()).isTrue();
        assertThat(m.actor("ada", false).admin()).as("only signed in to the account").isFalse();
        assertThat(m.groupsNeedOwner()).isTrue();
        assertThat(m.suspendedUntil("bob")).isEqualTo(clock.get() + 1000);
        clock.addAndGet(1000);
        assertThat(m.suspendedUntil("bob")).isZero();
        long until = m.suspend("bob", 5000);
        assertThat(records.suspensions()).containsEntry("bob", until);
        assertThat(m.unsuspend("bob")).isTrue();
        assertThat(m.unsuspend("bob")).isFalse();
    }
}
