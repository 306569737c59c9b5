package parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The account requests and Welcome's account flag on the wire; passwords stay out of toString. */
@DisplayName("account packets")
class AccountCodecTest {
    private static FromClient decode(String line) throws ProtocolException {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return Codec.decodeRequest(b, 0, b.length);
    }

    @Test
    @DisplayName("Register, Login and Password decode and encode back to the same line")
    void roundTrip() throws Exception {
        for (String line : new String[] {
                "{\"Register\":{\"name\":\"alice\",\"password\":\"p\\\"w\"}}",
                "{\"Login\":{\"name\":\"alice\",\"password\":\"pw\"}}",
                "{\"Password\":{\"old\":\"a\",\"new\":\"b\"}}"}) {
            assertThat(new String(Codec.encode(decode(line)), StandardCharsets.UTF_8)).isEqualTo(line + "\n");
        }
        assertThat(decode("{\"Login\":{\"password\":\"pw\",\"name\":\"alice\"}}"))
                .isEqualTo(new FromClient.Login("alice", "pw"));
    }

    @Test
    @DisplayName("a missing password is a bad request; passwords never appear in toString")
    void redacted() throws Exception {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> decode("{\"Login\":{\"name\":\"alice\"}}"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("password");
        assertThat(new FromClient.Register("alice", "hunter2").toString()).doesNotContain("hunter2");
        assertThat(new FromClient.Login("alice", "hunter2").toString()).doesNotContain("hunter2");
        assertThat(new FromClient.Password("hunter2", "hunter3").toString()).doesNotContain("hunter");
    }

    @Test
    @DisplayName("Welcome says account:true only when signed in to an account, and decodes it")
    void welcomeAccount() throws Exception {
        String line = new String(Codec.encode(new FromServer.Welcome("alice", "parley x", "e1", false, true)),
                StandardCharsets.UTF_8);
        assertThat(line).isEqualTo("{\"Welcome\":{\"name\":\"alice\",\"server\":\"parley x\",\"epoch\":\"e1\",\"account\":true}}\n");
        byte[] b = line.strip().getBytes(StandardCharsets.UTF_8);
        assertThat(((FromServer.Welcome) Codec.decodeReply(b, 0, b.length)).account()).isTrue();
        assertThat(new String(Codec.encode(new FromServer.Welcome("bob", "s")), StandardCharsets.UTF_8)).doesNotContain("account");
    }
}
