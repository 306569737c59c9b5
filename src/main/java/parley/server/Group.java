package parley.server;

import parley.broadcast.Broadcast;
import parley.protocol.Codec;

/** A chat group: its name and its broadcast ring. Membership is kept by {@link GroupTable}. */
public final class Group {
    private final String name;
    private final Broadcast<Posted> channel;

    Group(String name, int capacity) {
        this.name = name;
        this.channel = new Broadcast<>(capacity);
    }

    public String name() {
        return name;
    }

    /** Current member count (each member holds one receiver of the ring); a snapshot. */
    public int members() {
        return channel.receiverCount();
    }

    /** Messages posted to this group so far. */
    public long posted() {
        return channel.tail();
    }

    Broadcast<Posted> channel() {
        return channel;
    }

    /** Encodes the message once and hands it to every member; never waits for one. */
    void post(String message) {
        channel.send(new Posted(message, Codec.encodeMessage(name, message)));
    }
}
