package parley.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectsTest {

    @Test
    void plainNamesStayReadableAndEverythingElseIsEscapedPerUtf8Byte() {
        assertThat(Subjects.posts("dogs")).isEqualTo("parley.g.dogs");
        assertThat(Subjects.marker("Dog_s-1")).isEqualTo("parley.e.Dog_s-1");
        assertThat(Subjects.token("a.b")).isEqualTo("a~2Eb");
        assertThat(Subjects.token("> *")).isEqualTo("~3E~20~2A");
        assertThat(Subjects.token("é")).isEqualTo("~C3~A9");
        assertThat(Subjects.token("~")).isEqualTo("~7E");
    }

    @Test
    void tokensNeverHoldSubjectSyntaxAndNeverCollide() {
        List<String> names = List.of("a.b", "a~2Eb", "a b", "a\tb", "a>b", "a*b", "ab", "a~b", "..", "~", "日本");
        List<String> tokens = names.stream().map(Subjects::token).toList();
        assertThat(tokens).doesNotHaveDuplicates();
        for (String t : tokens) assertThat(t).matches("[A-Za-z0-9_~-]+");
    }

    @Test
    void aPostCarriesItsPosterAndTextExactly() {
        for (String from : new String[] {null, "", "alice"}) {
            for (String text : new String[] {"", "hi", "multi\nline é 😀"}) {
                BusPayload.Post p = BusPayload.decode(BusPayload.encode(from, text));
                assertThat(p).isEqualTo(new BusPayload.Post(from, text));
            }
        }
        assertThat(BusPayload.decode(new byte[0])).isNull();
        assertThat(BusPayload.decode(new byte[] {0, 9, 'x'})).isNull();
    }
}
