package parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import parley.protocol.FromServer;

class JoinConfirmationsTest {

    @Test
    void joinConfirmationAsksForThePageThatStartsWithTheGroup() {
        assertThat(JoinConfirmations.before("dogs")).startsWith("dogr\uffff").isLessThan("dogs").isGreaterThan("dogr");
        assertThat(JoinConfirmations.before("a")).isLessThan("a").isGreaterThan("`");
        assertThat(JoinConfirmations.before("dog")).isGreaterThan("do").isLessThan("dog");
        assertThat("dog").as("a shorter name sorts before").isLessThan(JoinConfirmations.before("dogs"));
        assertThat(JoinConfirmations.before("")).isNull();
        assertThat(JoinConfirmations.text("dogs", 3)).isEqualTo("joined dogs (3 members)");
        assertThat(JoinConfirmations.text("dogs", 1)).isEqualTo("joined dogs (1 member)");
    }

    @Test
    void answersAreMatchedToTheirRequestsInOrder() {
        JoinConfirmations c = new JoinConfirmations();
        List<String> notes = new ArrayList<>();
        c.userList();
        c.confirm("dogs");
        c.confirm("nope");
        var userPage = new FromServer.Groups(List.of(new FromServer.GroupInfo("a", 1)));
        assertThat(c.answers(userPage, notes::add)).as("the user's list").isFalse();
        assertThat(c.swallows(new FromServer.Listed(null, 1, true))).as("the user's summary").isFalse();
        assertThat(c.answers(new FromServer.Groups(List.of(new FromServer.GroupInfo("dogs", 2))), notes::add)).isTrue();
        assertThat(c.swallows(new FromServer.Listed("dogs", 1, false))).as("a who summary").isFalse();
        assertThat(c.swallows(new FromServer.Listed(null, 1, true))).isTrue();
        // The join failed: the page starts with the next group; nothing is confirmed.
        assertThat(c.answers(new FromServer.Groups(List.of(new FromServer.GroupInfo("nopf", 1))), notes::add)).isTrue();
        assertThat(c.swallows(new FromServer.Listed(null, 1, false))).isTrue();
        assertThat(c.answers(userPage, notes::add)).as("nothing more in flight").isFalse();
        assertThat(notes).containsExactly("joined dogs (2 members)");
    }
}
