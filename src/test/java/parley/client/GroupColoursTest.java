package parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

class GroupColoursTest {

    @Test
    void hashIsFnv1aOverUtf8() {
        // The published FNV-1a 32-bit test vectors: the colours cannot drift between versions.
        assertThat(GroupColours.fnv1a("")).isEqualTo(0x811c9dc5);
        assertThat(GroupColours.fnv1a("a")).isEqualTo(0xe40c292c);
        assertThat(GroupColours.fnv1a("foobar")).isEqualTo(0xbf9cf968);
        assertThat(GroupColours.fnv1a("é")).isEqualTo(0x1e9de8c1); // over C3 A9, not the UTF-16 unit
    }

    @Test
    void sameGroupSameColourEveryTime() {
        assertThat(GroupColours.of("dogs")).isEqualTo(AttributedStyle.CYAN);
        assertThat(GroupColours.of("cats")).isEqualTo(AttributedStyle.BRIGHT + AttributedStyle.YELLOW);
        assertThat(GroupColours.of(new String("dogs".toCharArray()))).isEqualTo(GroupColours.of("dogs"));
    }

    @Test
    void namesSpreadOverThePaletteAndNeverGetRed() {
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            int c = GroupColours.of("group-" + i);
            assertThat(c).isNotIn(AttributedStyle.RED, AttributedStyle.BRIGHT + AttributedStyle.RED);
            assertThat(GroupColours.PALETTE).contains(c);
            used.add(c);
        }
        assertThat(used).hasSize(GroupColours.PALETTE.length);
        assertThat(GroupColours.of("")).isIn(used); // any string has a colour, even one the server would refuse
    }
}
