package parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.accounts.AccountBook;
import parley.auth.AuthTokens;
import parley.net.ChatServer;
import parley.server.GroupBus;
import parley.server.ServerConfig;
import parley.server.SignIn;
import parley.server.SignInTokens;
import parley.server.Store;

/** {@code /config}: what the chat page reads before it connects, for each way of signing in. */
@DisplayName("/config")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigRoutesTest {
    private static final SignInTokens ANY_JWT = token -> new SignInTokens.Verified("x", 0);

    @Test
    @DisplayName("accounts optional, registration open, no JWTs, no static tokens")
    void optionalOpen() throws Exception {
        assertThat(config(new SignIn(AccountBook.inMemory(), null, true, false), null)).isEqualTo(
                "{\"auth\":false,\"accounts\":\"optional\",\"registration\":\"open\",\"jwt\":false,"
                        + "\"max_message_bytes\":1048576,\"max_line_bytes\":1048576}");
    }

    @Test
    @DisplayName("--accounts required --registration closed --jwt-key: the page must ask for a sign-in and offer no Register")
    void requiredClosedJwt() throws Exception {
        assertThat(config(new SignIn(AccountBook.inMemory(), ANY_JWT, false, true), null)).isEqualTo(
                "{\"auth\":false,\"accounts\":\"required\",\"registration\":\"closed\",\"jwt\":true,"
                        + "\"max_message_bytes\":1048576,\"max_line_bytes\":1048576}");
    }

    @Test
    @DisplayName("a server without accounts says none, and registration closed; static tokens say auth")
    void noAccounts() throws Exception {
        assertThat(config(SignIn.NONE, AuthTokens.of(java.util.Map.of("secret-token-1", "alice")))).isEqualTo(
                "{\"auth\":true,\"accounts\":\"none\",\"registration\":\"closed\",\"jwt\":false,"
                        + "\"max_message_bytes\":1048576,\"max_line_bytes\":1048576}");
    }

    private static String config(SignIn signIn, AuthTokens auth) throws Exception {
        ServerConfig config = ServerConfig.builder().address(new InetSocketAddress("127.0.0.1", 0)).build();
        try (ChatServer chat = ChatServer.start(config, GroupBus.LOCAL, Store.NONE, null, auth, signIn);
             HttpFrontend http = HttpFrontend.start(new InetSocketAddress("127.0.0.1", 0), chat, List.of());
             HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> res = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http.port() + "/config")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("Cache-Control")).contains("no-store");
            return res.body();
        }
    }
}
