package parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.protocol.FromClient;

/** Post ids, the unacknowledged list and what a reconnection resends. */
class PostLedgerTest {

    @Test
    void idsAreUniqueShortPrintableAsciiAndDifferBetweenRuns() {
        PostIds ids = PostIds.random();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.next();
            assertThat(id).matches("[a-z0-9]{8}-[0-9]+").hasSizeLessThanOrEqualTo(64);
            assertThat(seen.add(id)).as(id).isTrue();
        }
        assertThat(PostIds.random().next()).isNotEqualTo(PostIds.random().next());
        assertThat(new PostIds("k3x9q0ab").next()).isEqualTo("k3x9q0ab-1");
        assertThat(("abcdefgh-" + Long.MAX_VALUE).length()).as("the longest id").isLessThanOrEqualTo(64);
    }

    private static FromClient.Post post(String id, String message) {
        return new FromClient.Post("dogs", message, id);
    }

    @Test
    void unacknowledgedKeepsOrderDropsOnAckAndIgnoresUnknownAcks() {
        Unacknowledged u = new Unacknowledged();
        u.add(post("a", "1"));
        u.add(post("b", "2"));
        u.add(post("c", "3"));
        u.acknowledge("b");
        u.acknowledge("b");
        u.acknowledge("zz");
        assertThat(u.pending()).extracting(FromClient.Post::id).containsExactly("a", "c");
        assertThatThrownBy(() -> u.add(new FromClient.Post("dogs", "x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unacknowledgedIsBoundedByCountAndBySizeForgettingTheOldest() {
        Unacknowledged byCount = new Unacknowledged(3, 1_000_000);
        int dropped = 0;
        for (int i = 1; i <= 5; i++) dropped += byCount.add(post("p" + i, "m"));
        assertThat(dropped).isEqualTo(2);
        assertThat(byCount.pending()).extracting(FromClient.Post::id).containsExactly("p3", "p4", "p5");

        Unacknowledged bySize = new Unacknowledged(1000, 20); // "dogs" + 6 = 10 chars a post
        bySize.add(post("a", "xxxxxx"));
        bySize.add(post("b", "xxxxxx"));
        assertThat(bySize.add(post("c", "xxxxxx"))).isEqualTo(1);
        assertThat(bySize.pending()).extracting(FromClient.Post::id).containsExactly("b", "c");
        // One post larger than the bound is still kept: it is the newest.
        assertThat(bySize.add(post("d", "y".repeat(100)))).isEqualTo(2);
        assertThat(bySize.pending()).extracting(FromClient.Post::id).containsExactly("d");
    }

    @Test
    void ledgerResendsAllUnacknowledgedToAServerThatAcksAndOnlyHeldPostsToOneThatDoesNot() {
        List<String> notes = new ArrayList<>();
        PostLedger acking = new PostLedger(new PostIds("r"), notes::add);
        FromClient.Post one = acking.name(new FromClient.Post("dogs", "one"));
        FromClient.Post two = acking.name(new FromClient.Post("dogs", "two"));
        assertThat(one.id()).isEqualTo("r-1");
        assertThat(two.id()).isEqualTo("r-2");
        acking.acknowledged("r-1");
        acking.reconnecting();
        FromClient.Post three = acking.name(new FromClient.Post("cats", "three"));
        assertThat(acking.hold(three)).isTrue();
        assertThat(acking.toResend()).containsExactly(two, three);
        assertThat(acking.hold(three)).as("holding ends with the resend").isFalse();

        PostLedger silent = new PostLedger(new PostIds("s"), notes::add);
        silent.name(new FromClient.Post("dogs", "sent before"));
        silent.reconnecting();
        FromClient.Post typed = silent.name(new FromClient.Post("dogs", "typed while reconnecting"));
        assertThat(silent.hold(typed)).isTrue();
        assertThat(silent.acks()).isFalse();
        assertThat(silent.toResend()).as("no resend without acks: it could post twice").containsExactly(typed);
        assertThat(notes).isEmpty();
    }
}
