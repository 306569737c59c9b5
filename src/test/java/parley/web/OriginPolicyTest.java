package parley.web;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OriginPolicy")
class OriginPolicyTest {
    private final OriginPolicy same = OriginPolicy.sameOriginOnly();

    @Test
    @DisplayName("same origin: the Origin's host and port equal the Host header's, default ports filled in")
    void sameOrigin() {
        assertThat(same.allows("http://127.0.0.1:7879", "127.0.0.1:7879")).isTrue();
        assertThat(same.allows("http://LOCALHOST:7879", "localhost:7879")).isTrue();
        assertThat(same.allows("http://chat.example", "chat.example")).isTrue();
        assertThat(same.allows("http://chat.example:80", "chat.example")).isTrue();
        assertThat(same.allows("https://chat.example", "chat.example:443")).isTrue();
        assertThat(same.allows("http://[::1]:7879", "[::1]:7879")).isTrue();
        assertThat(same.allows("http://127.0.0.1:7879/", "127.0.0.1:7879")).isTrue();

        assertThat(same.allows("http://localhost:7879", "127.0.0.1:7879")).isFalse();
        assertThat(same.allows("http://127.0.0.1:7878", "127.0.0.1:7879")).isFalse();
        assertThat(same.allows("https://chat.example", "chat.example:80")).isFalse();
        assertThat(same.allows("http://chat.example", null)).isFalse();
        assertThat(same.allows("http://[::1]:7879", "[::1]")).isFalse();
        assertThat(same.allows("http://a:1", "a:x")).isFalse();
        assertThat(same.allows("http://a:1", "a:1:2")).isFalse();
    }

    @Test
    @DisplayName("what is not an origin is never allowed")
    void notOrigins() {
        for (String o : new String[] {"null", "", "127.0.0.1:7879", "http://127.0.0.1:7879/path",
                "http://u@127.0.0.1:7879", "http://127.0.0.1:7879?q", "file:///tmp/x.html", "%%%"}) {
            assertThat(same.allows(o, "127.0.0.1:7879")).as(o).isFalse();
        }
        assertThat(same.allows(null, "127.0.0.1:7879")).isFalse();
    }

    @Test
    @DisplayName("listed origins are allowed whatever the Host; the list is checked at start")
    void extra() {
        OriginPolicy p = OriginPolicy.of(List.of("https://Chat.Example.org/", "http://127.0.0.1:3000"));
        assertThat(p.extraOrigins()).containsExactlyInAnyOrder("https://chat.example.org:443", "http://127.0.0.1:3000");
        assertThat(p.allows("https://chat.example.org", "127.0.0.1:7879")).isTrue();
        assertThat(p.allows("http://127.0.0.1:3000", "127.0.0.1:7879")).isTrue();
        assertThat(p.allows("http://127.0.0.1:7879", "127.0.0.1:7879")).isTrue();
        assertThat(p.allows("http://chat.example.org", "127.0.0.1:7879")).isFalse();
        assertThat(p.allows("https://chat.example.org:8443", "127.0.0.1:7879")).isFalse();
        assertThatThrownBy(() -> OriginPolicy.of(List.of("chat.example.org")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'chat.example.org' is not an origin");
        assertThatThrownBy(() -> OriginPolicy.of(List.of("https://chat.example.org/app")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
