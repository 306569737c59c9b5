package parley.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Auth request in the codec's style: exact bytes out, the usual forms in, named errors. */
@DisplayName("Auth codec")
class AuthCodecTest {
    private static FromClient decode(String line) throws ProtocolException {
        byte[] b = line.getBytes(UTF_8);
        return Codec.decodeRequest(b, 0, b.length);
    }

    @Test
    @DisplayName("encodes to {\"Auth\":{\"token\":...}} with serde_json's escapes")
    void encode() {
        assertThat(new String(Codec.encode(new FromClient.Auth("t\"ok\\en")), UTF_8))
                .isEqualTo("{\"Auth\":{\"token\":\"t\\\"ok\\\\en\"}}\n");
    }

    @Test
    @DisplayName("decodes with white space and unknown fields; refuses a missing or non-string token")
    void decodeForms() throws Exception {
        assertThat(decode(" { \"Auth\" : { \"x\":1, \"token\" : \"abc\" } } ")).isEqualTo(new FromClient.Auth("abc"));
        assertThatThrownBy(() -> decode("{\"Auth\":{}}")).hasMessage("missing field 'token' in Auth");
        assertThatThrownBy(() -> decode("{\"Auth\":{\"token\":7}}")).hasMessage("field 'token' of Auth must be a string");
        assertThatThrownBy(() -> decode("{\"Auth\":\"abc\"}")).hasMessageContaining("{\"Auth\":{\"token\":\"...\"}}");
        // Login is a request of its own since accounts (issue 21), no longer an unknown one.
        assertThatThrownBy(() -> decode("{\"Login\":{}}")).hasMessage("missing field 'name' in Login");
    }

    @Test
    @DisplayName("toString never shows the token")
    void redacted() {
        assertThat(new FromClient.Auth("s3cret-token").toString()).isEqualTo("Auth[token=<redacted>]");
    }
}
