package parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import parley.protocol.FromServer;

class EarlierMessagesTest {
    private static FromServer.Message m(String group, long seq) {
        return new FromServer.Message(group, "m" + seq, "bob", seq);
    }

    @Test
    void nothingIsEarlierWithoutAFetch() {
        EarlierMessages e = new EarlierMessages();
        assertThat(e.isEarlier(m("dogs", 1), true)).isFalse();
        assertThat(e.isEarlier(m("dogs", 1), false)).isFalse();
    }

    @Test
    void aMemberSeesUpToTheLastLiveSeqAsEarlierAndNewerOnesAsLive() {
        EarlierMessages e = new EarlierMessages();
        e.requested("dogs", 10);
        assertThat(e.isEarlier(m("dogs", 9), true)).isTrue();
        assertThat(e.isEarlier(m("dogs", 10), true)).isTrue();
        assertThat(e.isEarlier(m("dogs", 11), true)).isFalse();
        assertThat(e.isEarlier(m("cats", 1), true)).as("another group").isFalse();
        assertThat(e.isEarlier(new FromServer.Message("dogs", "no seq"), true)).isFalse();
        e.fetched("dogs");
        assertThat(e.isEarlier(m("dogs", 9), true)).isFalse();
    }

    @Test
    void aNonMemberGetsOnlyTheFetchSoAllOfItIsEarlier() {
        EarlierMessages e = new EarlierMessages();
        e.requested("dogs", 0);
        assertThat(e.isEarlier(new FromServer.Message("dogs", "book form"), false)).isTrue();
        assertThat(e.isEarlier(m("dogs", 500), false)).isTrue();
    }

    @Test
    void aMemberWithNoSeqYetCountsOnFetchedToEndTheFetch() {
        EarlierMessages old = new EarlierMessages();
        old.requested("dogs", 0);
        assertThat(old.isEarlier(m("dogs", 3), true)).as("a server without Fetched: cannot tell, so live").isFalse();

        EarlierMessages current = new EarlierMessages();
        current.serverSendsFetched();
        current.requested("dogs", 0);
        assertThat(current.isEarlier(m("dogs", 3), true)).isTrue();
        current.fetched("dogs");
        assertThat(current.isEarlier(m("dogs", 4), true)).isFalse();
    }
}
