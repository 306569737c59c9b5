package parley.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OriginPolicy")
class OriginPolicyTest {
    private final OriginPolicy same = OriginPolicy.sameOriginOnly();
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 7879);
    private static final InetSocketAddress V6 = new InetSocketAddress("::1", 7879);

    @Test
    @DisplayName("same origin: http, one of the server's names, the port the connection arrived at")
    void sameOrigin() {
        assertThat(same.allows("http://127.0.0.1:7879", LOOPBACK)).isTrue();
        assertThat(same.allows("http://LOCALHOST:7879", LOOPBACK)).isTrue();
        assertThat(same.allows("http://localhost:7879/", LOOPBACK)).isTrue();
        assertThat(same.allows("http://[::1]:7879", V6)).isTrue();
        assertThat(same.allows("http://[0:0:0:0:0:0:0:1]:7879", V6)).isTrue();

        assertThat(same.allows("http://127.0.0.1:7878", LOOPBACK)).as("another port").isFalse();
        assertThat(same.allows("https://127.0.0.1:7879", LOOPBACK)).as("https on the plain listener").isFalse();
        assertThat(same.allows("http://evil.example:7879", LOOPBACK)).as("DNS rebinding").isFalse();
        assertThat(same.allows("http://127.0.0.2:7879", LOOPBACK)).as("not the connection's address").isFalse();
        assertThat(same.allows("http://[::1]:7879", LOOPBACK)).isFalse();
    }

    @Test
    @DisplayName("Host: localhost, the connection's address and --web-host names; no Host is not a browser")
    void host() {
        assertThat(same.hostAllowed("127.0.0.1:7879", LOOPBACK)).isTrue();
        assertThat(same.hostAllowed("127.0.0.1", LOOPBACK)).isTrue();
        assertThat(same.hostAllowed("LocalHost:7879", LOOPBACK)).isTrue();
        assertThat(same.hostAllowed("[::1]:7879", V6)).isTrue();
        assertThat(same.hostAllowed(null, LOOPBACK)).isTrue();

        // A listener on 0.0.0.0 serves the address each connection arrived at.
        InetSocketAddress lan = new InetSocketAddress("192.168.1.5", 7879);
        assertThat(same.hostAllowed("192.168.1.5:7879", lan)).isTrue();
        assertThat(same.allows("http://192.168.1.5:7879", lan)).isTrue();
        assertThat(same.hostAllowed("127.0.0.1:7879", lan)).isFalse();

        assertThat(same.hostAllowed("evil.example:7879", LOOPBACK)).isFalse();
        assertThat(same.hostAllowed("evil.example", LOOPBACK)).isFalse();
        assertThat(same.hostAllowed("10.0.0.1:7879", LOOPBACK)).isFalse();
        assertThat(same.hostAllowed("a:1:2", LOOPBACK)).isFalse();
        assertThat(same.hostAllowed("", LOOPBACK)).isFalse();

        OriginPolicy named = OriginPolicy.of(List.of(), List.of("Chat.Example.org", "::2"));
        assertThat(named.names()).containsExactlyInAnyOrder("localhost", "chat.example.org", "[::2]");
        assertThat(named.hostAllowed("chat.example.org:443", LOOPBACK)).isTrue();
        assertThat(named.hostAllowed("127.0.0.1:7879", LOOPBACK)).as("the address stays served").isTrue();
        assertThat(named.allows("http://chat.example.org:7879", LOOPBACK)).isTrue();
        assertThat(named.allows("https://chat.example.org", LOOPBACK)).isFalse();
        assertThatThrownBy(() -> OriginPolicy.of(List.of(), List.of("chat.example.org:8080")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'chat.example.org:8080' is not a host name");
    }

    @Test
    @DisplayName("what is not an origin is never allowed")
    void notOrigins() {
        for (String o : new String[] {"null", "", "127.0.0.1:7879", "http://127.0.0.1:7879/path",
                "http://u@127.0.0.1:7879", "http://127.0.0.1:7879?q", "file:///tmp/x.html", "%%%"}) {
            assertThat(same.allows(o, LOOPBACK)).as(o).isFalse();
        }
        assertThat(same.allows(null, LOOPBACK)).isFalse();
    }

    @Test
    @DisplayName("listed origins are allowed whatever the connection; the list is checked at start")
    void extra() {
        OriginPolicy p = OriginPolicy.of(List.of("https://Chat.Example.org/", "http://127.0.0.1:3000"));
        assertThat(p.extraOrigins()).containsExactlyInAnyOrder("https://chat.example.org:443", "http://127.0.0.1:3000");
        assertThat(p.allows("https://chat.example.org", LOOPBACK)).isTrue();
        assertThat(p.allows("http://127.0.0.1:3000", LOOPBACK)).isTrue();
        assertThat(p.allows("http://127.0.0.1:7879", LOOPBACK)).isTrue();
        assertThat(p.allows("http://chat.example.org", LOOPBACK)).isFalse();
        assertThat(p.allows("https://chat.example.org:8443", LOOPBACK)).isFalse();
        assertThatThrownBy(() -> OriginPolicy.of(List.of("chat.example.org")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'chat.example.org' is not an origin");
        assertThatThrownBy(() -> OriginPolicy.of(List.of("https://chat.example.org/app")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
