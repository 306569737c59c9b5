package parley.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {
    @Test
    void parsesAndFormatsAsXmxDoes() {
        assertThat(Sizes.parse("65536")).isEqualTo(65536);
        assertThat(Sizes.parse("64k")).isEqualTo(64 << 10);
        assertThat(Sizes.parse("512M")).isEqualTo(512L << 20);
        assertThat(Sizes.parse(" 1g ")).isEqualTo(1L << 30);
        assertThat(Sizes.format(1L << 30)).isEqualTo("1g");
        assertThat(Sizes.format(1536L << 20)).isEqualTo("1536m");
        assertThat(Sizes.format(1000)).isEqualTo("1000");
        assertThat(Sizes.format(0)).isEqualTo("0");
        assertThatThrownBy(() -> Sizes.parse("1t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sizes.parse("-1m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sizes.parse("")).isInstanceOf(IllegalArgumentException.class);
    }
}
