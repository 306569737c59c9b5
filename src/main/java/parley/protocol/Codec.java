package parley.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Lines to packets and packets to lines. Every encoder returns a complete line, newline included,
 * byte-identical to serde_json's output for the book's enums; every decoder accepts what serde
 * would (any field order, unknown fields ignored, surrounding whitespace) and rejects the rest
 * with a {@link ProtocolException} that names the problem.
 */
public final class Codec {
    /**
     * A shared bounded pool of parser buffers instead of Jackson's default thread-local one: with a
     * virtual thread per connection, thread-local buffers would cost every idle connection about a
     * kilobyte (measured with a class histogram at 5000 idle connections).
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .recyclerPool(JsonRecyclerPools.newBoundedPool(64))
            .build();
    private static final String REQUESTS = "Join, Post, Hello, Leave, List, Members, Fetch, Auth, Register, Login, Password, "
            + "Direct, Conversations, FetchDirect, Read, Block, Unblock, Op, Deop, Owner, Drop, Topic, Kick, Ban, Unban, "
            + "Mute, Unmute, Mode, Invite, GroupInfo, Suspend, Unsuspend";

    private Codec() {}

    // ------------------------------------------------------------------ encoding

    /** The book's {@code Message} line for a post: built once per post and shared by every member. */
    public static byte[] encodeMessage(String groupName, String message) {
        return new JsonOut(48 + groupName.length() + message.length())
                .raw("{\"Message\":{\"group_name\":").string(groupName)
                .raw(",\"message\":").string(message)
                .raw("}}").newline().toByteArray();
    }

    /** The extended {@code Message} line without a time (see the five-argument form). */
    public static byte[] encodeMessage(String groupName, String message, String from, long seq) {
        return encodeMessage(groupName, message, from, seq, 0);
    }

    /**
     * The extended {@code Message} line: the book's fields, then {@code from} (if known),
     * {@code seq} and {@code ts} (each if above 0).
     */
    public static byte[] encodeMessage(String groupName, String message, String from, long seq, long ts) {
        JsonOut out = new JsonOut(96 + groupName.length() + message.length())
                .raw("{\"Message\":{\"group_name\":").string(groupName)
                .raw(",\"message\":").string(message);
        if (from != null) out.raw(",\"from\":").string(from);
        if (seq > 0) out.raw(",\"seq\":").number(seq);
        if (ts > 0) out.raw(",\"ts\":").number(ts);
        return out.raw("}}").newline().toByteArray();
    }

    /** A presence packet: {@code Joined} or {@code Left}. */
    public static byte[] encodePresence(String kind, String groupName, String name) {
        return new JsonOut(48 + groupName.length() + name.length()).raw("{\"").raw(kind).raw("\":{\"group_name\":")
                .string(groupName).raw(",\"name\":").string(name).raw("}}").newline().toByteArray();
    }

    /** The {@code Posted} acknowledgement of a post that carried an id. */
    public static byte[] encodePosted(String groupName, String id, long seq, long ts) {
        return new JsonOut(64 + groupName.length() + id.length()).raw("{\"Posted\":{\"group_name\":").string(groupName)
                .raw(",\"id\":").string(id).raw(",\"seq\":").number(seq).raw(",\"ts\":").number(ts)
                .raw("}}").newline().toByteArray();
    }

    /** A direct message, as its recipient's and its sender's connections get it. */
    public static byte[] encodeDirect(String from, String to, String message, long seq, long ts) {
        return new JsonOut(80 + from.length() + to.length() + message.length()).raw("{\"Direct\":{\"from\":")
                .string(from).raw(",\"to\":").string(to).raw(",\"message\":").string(message)
                .raw(",\"seq\":").number(seq).raw(",\"ts\":").number(ts).raw("}}").newline().toByteArray();
    }

    /** The {@code Sent} acknowledgement of a direct message; {@code id} is left out when the Direct had none. */
    public static byte[] encodeSent(String to, String id, long seq, long ts) {
        JsonOut out = new JsonOut(64 + to.length()).raw("{\"Sent\":{\"to\":").string(to);
        if (id != null) out.raw(",\"id\":").string(id);
        return out.raw(",\"seq\":").number(seq).raw(",\"ts\":").number(ts).raw("}}").newline().toByteArray();
    }

    /** A conversation's read marker, told to every connection of the reader. */
    public static byte[] encodeRead(String with, long seq) {
        return new JsonOut(48 + with.length()).raw("{\"Read\":{\"with\":").string(with).raw(",\"seq\":").number(seq)
                .raw("}}").newline().toByteArray();
    }

    public static byte[] encodeError(String text) {
        return new JsonOut(16 + text.length()).raw("{\"Error\":").string(text).raw("}").newline().toByteArray();
    }

    public static byte[] encode(FromServer packet) {
        return switch (packet) {
            case FromServer.Message m -> m.from() == null && m.seq() == 0 && m.ts() == 0
                    ? encodeMessage(m.groupName(), m.message())
                    : encodeMessage(m.groupName(), m.message(), m.from(), m.seq(), m.ts());
            case FromServer.Error e -> encodeError(e.text());
            case FromServer.Welcome w -> {
                JsonOut out = new JsonOut(96).raw("{\"Welcome\":{\"name\":").string(w.name())
                        .raw(",\"server\":").string(w.server());
                if (w.epoch() != null) out.raw(",\"epoch\":").string(w.epoch());
                if (w.auth()) out.raw(",\"auth\":true");
                if (w.account()) out.raw(",\"account\":true");
                if (w.unread() > 0) out.raw(",\"unread\":").number(w.unread());
                yield out.raw("}}").newline().toByteArray();
            }
            case FromServer.Posted p -> encodePosted(p.groupName(), p.id(), p.seq(), p.ts());
            case FromServer.Joined j -> encodePresence("Joined", j.groupName(), j.name());
            case FromServer.Left l -> encodePresence("Left", l.groupName(), l.name());
            case FromServer.Fetched f -> new JsonOut(96).raw("{\"Fetched\":{\"group_name\":").string(f.groupName())
                    .raw(",\"count\":").number(f.count()).raw(",\"oldest\":").number(f.oldest())
                    .raw(",\"newest\":").number(f.newest()).raw("}}").newline().toByteArray();
            case FromServer.Groups g -> {
                JsonOut out = new JsonOut(32 + 32 * g.groups().size()).raw("{\"Groups\":[");
                String sep = "";
                for (FromServer.GroupInfo i : g.groups()) {
                    out.raw(sep).raw("{\"name\":").string(i.name()).raw(",\"members\":").number(i.members()).raw("}");
                    sep = ",";
                }
                yield out.raw("]}").newline().toByteArray();
            }
            case FromServer.Members m -> {
                JsonOut out = new JsonOut(48 + 16 * m.names().size()).raw("{\"Members\":{\"group_name\":")
                        .string(m.groupName()).raw(",\"names\":[");
                String sep = "";
                for (String n : m.names()) {
                    out.raw(sep).string(n);
                    sep = ",";
                }
                yield out.raw("]}}").newline().toByteArray();
            }
            case FromServer.Listed l -> {
                JsonOut out = new JsonOut(64).raw("{\"Listed\":{");
                if (l.groupName() != null) out.raw("\"group_name\":").string(l.groupName()).raw(",");
                yield out.raw("\"count\":").number(l.count()).raw(",\"more\":").raw(l.more() ? "true" : "false")
                        .raw("}}").newline().toByteArray();
            }
            case FromServer.Direct d -> encodeDirect(d.from(), d.to(), d.message(), d.seq(), d.ts());
            case FromServer.Sent t -> encodeSent(t.to(), t.id(), t.seq(), t.ts());
            case FromServer.Conversations c -> {
                JsonOut out = new JsonOut(32 + 48 * c.conversations().size()).raw("{\"Conversations\":[");
                String sep = "";
                for (FromServer.ConversationInfo i : c.conversations()) {
                    out.raw(sep).raw("{\"with\":").string(i.with()).raw(",\"newest\":").number(i.newest())
                            .raw(",\"read\":").number(i.read()).raw("}");
                    sep = ",";
                }
                yield out.raw("]}").newline().toByteArray();
            }
            case FromServer.FetchedDirect f -> new JsonOut(96).raw("{\"FetchedDirect\":{\"with\":").string(f.with())
                    .raw(",\"count\":").number(f.count()).raw(",\"oldest\":").number(f.oldest())
                    .raw(",\"newest\":").number(f.newest()).raw("}}").newline().toByteArray();
            case FromServer.Read r -> encodeRead(r.with(), r.seq());
            case FromServer.Block b -> new JsonOut(48).raw("{\"Block\":{\"name\":").string(b.name()).raw("}}")
                    .newline().toByteArray();
            case FromServer.Unblock u -> new JsonOut(48).raw("{\"Unblock\":{\"name\":").string(u.name()).raw("}}")
                    .newline().toByteArray();
            case FromServer.GroupEvent e -> encodeGroupEvent(e);
            case FromServer.GroupDetails d -> encodeGroupDetails(d);
            case FromServer.Topic t -> {
                JsonOut out = new JsonOut(64 + t.topic().length()).raw("{\"Topic\":{\"group_name\":").string(t.groupName())
                        .raw(",\"topic\":").string(t.topic());
                if (t.by() != null) out.raw(",\"by\":").string(t.by());
                if (t.ts() > 0) out.raw(",\"ts\":").number(t.ts());
                yield out.raw("}}").newline().toByteArray();
            }
            case FromServer.Suspended u -> new JsonOut(64).raw("{\"Suspended\":{\"name\":").string(u.name())
                    .raw(",\"until\":").number(u.until()).raw("}}").newline().toByteArray();
            case FromServer.Unsuspended u -> new JsonOut(48).raw("{\"Unsuspended\":{\"name\":").string(u.name())
                    .raw("}}").newline().toByteArray();
        };
    }

    /**
     * A {@code GroupEvent} line: the fields in a fixed order, each left out when it does not apply
     * (null, 0, or modes on an event that is not a mode change).
     */
    public static byte[] encodeGroupEvent(FromServer.GroupEvent e) {
        JsonOut out = new JsonOut(128).raw("{\"GroupEvent\":{\"group_name\":").string(e.groupName())
                .raw(",\"kind\":").string(e.kind());
        if (e.by() != null) out.raw(",\"by\":").string(e.by());
        if (e.name() != null) out.raw(",\"name\":").string(e.name());
        if (e.reason() != null) out.raw(",\"reason\":").string(e.reason());
        if (e.topic() != null) out.raw(",\"topic\":").string(e.topic());
        if (e.until() > 0) out.raw(",\"until\":").number(e.until());
        if (e.modes() != null) modes(out, e.modes());
        if (e.seq() > 0) out.raw(",\"seq\":").number(e.seq());
        if (e.ts() > 0) out.raw(",\"ts\":").number(e.ts());
        return out.raw("}}").newline().toByteArray();
    }

    private static byte[] encodeGroupDetails(FromServer.GroupDetails d) {
        JsonOut out = new JsonOut(160).raw("{\"GroupInfo\":{\"group_name\":").string(d.groupName());
        if (d.owner() != null) out.raw(",\"owner\":").string(d.owner());
        out.raw(",\"operators\":[");
        String sep = "";
        for (String n : d.operators()) {
            out.raw(sep).string(n);
            sep = ",";
        }
        out.raw("]");
        if (d.topic() != null && !d.topic().isEmpty()) out.raw(",\"topic\":").string(d.topic());
        modes(out, d.modes());
        return out.raw(",\"members\":").number(d.members()).raw("}}").newline().toByteArray();
    }

    private static void modes(JsonOut out, FromServer.Modes m) {
        out.raw(",\"invite_only\":").raw(Boolean.toString(m.inviteOnly()))
                .raw(",\"moderated\":").raw(Boolean.toString(m.moderated()))
                .raw(",\"private\":").raw(Boolean.toString(m.privateGroup()));
    }

    public static byte[] encode(FromClient packet) {
        JsonOut out = new JsonOut(64);
        switch (packet) {
            case FromClient.Join j -> {
                out.raw("{\"Join\":{\"group_name\":").string(j.groupName());
                if (j.history() > 0) out.raw(",\"history\":").number(j.history());
                out.raw("}}");
            }
            case FromClient.Post p -> {
                out.raw("{\"Post\":{\"group_name\":").string(p.groupName()).raw(",\"message\":").string(p.message());
                if (p.id() != null) out.raw(",\"id\":").string(p.id());
                out.raw("}}");
            }
            case FromClient.Hello h -> out.raw("{\"Hello\":{\"name\":").string(h.name()).raw("}}");
            case FromClient.Leave l -> out.raw("{\"Leave\":{\"group_name\":").string(l.groupName()).raw("}}");
            case FromClient.ListGroups l -> {
                out.raw("{\"List\":{");
                String sep = "";
                if (l.limit() > 0) {
                    out.raw("\"limit\":").number(l.limit());
                    sep = ",";
                }
                if (l.after() != null) out.raw(sep).raw("\"after\":").string(l.after());
                out.raw("}}");
            }
            case FromClient.Members m -> {
                out.raw("{\"Members\":{\"group_name\":").string(m.groupName());
                if (m.limit() > 0) out.raw(",\"limit\":").number(m.limit());
                if (m.after() != null) out.raw(",\"after\":").string(m.after());
                out.raw("}}");
            }
            case FromClient.Fetch f -> {
                out.raw("{\"Fetch\":{\"group_name\":").string(f.groupName());
                if (f.after().isPresent()) out.raw(",\"after\":").number(f.after().getAsLong());
                if (f.before().isPresent()) out.raw(",\"before\":").number(f.before().getAsLong());
                out.raw(",\"limit\":").number(f.limit()).raw("}}");
            }
            case FromClient.Auth a -> out.raw("{\"Auth\":{\"token\":").string(a.token()).raw("}}");
            case FromClient.Register r -> out.raw("{\"Register\":{\"name\":").string(r.name())
                    .raw(",\"password\":").string(r.password()).raw("}}");
            case FromClient.Login l -> out.raw("{\"Login\":{\"name\":").string(l.name())
                    .raw(",\"password\":").string(l.password()).raw("}}");
            case FromClient.Password pw -> out.raw("{\"Password\":{\"old\":").string(pw.oldPassword())
                    .raw(",\"new\":").string(pw.newPassword()).raw("}}");
            case FromClient.Direct d -> {
                out.raw("{\"Direct\":{\"to\":").string(d.to()).raw(",\"message\":").string(d.message());
                if (d.id() != null) out.raw(",\"id\":").string(d.id());
                out.raw("}}");
            }
            case FromClient.Conversations c -> out.raw("{\"Conversations\":{}}");
            case FromClient.FetchDirect f -> {
                out.raw("{\"FetchDirect\":{\"with\":").string(f.with());
                if (f.after().isPresent()) out.raw(",\"after\":").number(f.after().getAsLong());
                if (f.before().isPresent()) out.raw(",\"before\":").number(f.before().getAsLong());
                out.raw(",\"limit\":").number(f.limit()).raw("}}");
            }
            case FromClient.Read r -> out.raw("{\"Read\":{\"with\":").string(r.with()).raw(",\"seq\":").number(r.seq())
                    .raw("}}");
            case FromClient.Block b -> out.raw("{\"Block\":{\"name\":").string(b.name()).raw("}}");
            case FromClient.Unblock u -> out.raw("{\"Unblock\":{\"name\":").string(u.name()).raw("}}");
            case FromClient.Moderation m -> encodeModeration(out, m);
        }
        return out.newline().toByteArray();
    }

    private static void encodeModeration(JsonOut out, FromClient.Moderation request) {
        switch (request) {
            case FromClient.Op o -> groupAndName(out, "Op", o.groupName(), o.name());
            case FromClient.Deop o -> groupAndName(out, "Deop", o.groupName(), o.name());
            case FromClient.Owner o -> groupAndName(out, "Owner", o.groupName(), o.name());
            case FromClient.Unban u -> groupAndName(out, "Unban", u.groupName(), u.name());
            case FromClient.Unmute u -> groupAndName(out, "Unmute", u.groupName(), u.name());
            case FromClient.Invite i -> groupAndName(out, "Invite", i.groupName(), i.name());
            case FromClient.Drop d -> out.raw("{\"Drop\":{\"group_name\":").string(d.groupName());
            case FromClient.GroupInfo g -> out.raw("{\"GroupInfo\":{\"group_name\":").string(g.groupName());
            case FromClient.Topic t -> out.raw("{\"Topic\":{\"group_name\":").string(t.groupName())
                    .raw(",\"topic\":").string(t.topic());
            case FromClient.Kick k -> {
                groupAndName(out, "Kick", k.groupName(), k.name());
                if (k.reason() != null) out.raw(",\"reason\":").string(k.reason());
            }
            case FromClient.Ban b -> {
                groupAndName(out, "Ban", b.groupName(), b.name());
                if (b.reason() != null) out.raw(",\"reason\":").string(b.reason());
                if (b.duration() != null) out.raw(",\"for\":").string(WireDuration.format(b.duration()));
            }
            case FromClient.Mute m -> {
                groupAndName(out, "Mute", m.groupName(), m.name());
                if (m.duration() != null) out.raw(",\"for\":").string(WireDuration.format(m.duration()));
            }
            case FromClient.Mode m -> {
                out.raw("{\"Mode\":{\"group_name\":").string(m.groupName());
                if (m.inviteOnly() != null) out.raw(",\"invite_only\":").raw(m.inviteOnly().toString());
                if (m.moderated() != null) out.raw(",\"moderated\":").raw(m.moderated().toString());
                if (m.privateGroup() != null) out.raw(",\"private\":").raw(m.privateGroup().toString());
            }
            case FromClient.Suspend u -> out.raw("{\"Suspend\":{\"name\":").string(u.name())
                    .raw(",\"for\":").string(WireDuration.format(u.duration()));
            case FromClient.Unsuspend u -> out.raw("{\"Unsuspend\":{\"name\":").string(u.name());
        }
        out.raw("}}");
    }

    private static void groupAndName(JsonOut out, String variant, String groupName, String name) {
        out.raw("{\"").raw(variant).raw("\":{\"group_name\":").string(groupName).raw(",\"name\":").string(name);
    }

    // ------------------------------------------------------------------ decoding

    /** Decodes one request line (without its line terminator; surrounding whitespace is allowed). */
    public static FromClient decodeRequest(byte[] line, int off, int len) throws ProtocolException {
        return decode(line, off, len, Codec::request);
    }

    /** Decodes one reply line, as the client does. */
    public static FromServer decodeReply(byte[] line, int off, int len) throws ProtocolException {
        return decode(line, off, len, Codec::reply);
    }

    private interface Variant<T> {
        T read(String name, JsonParser p) throws IOException, ProtocolException;
    }

    private static <T> T decode(byte[] line, int off, int len, Variant<T> variant) throws ProtocolException {
        int bad = Utf8.firstInvalid(line, off, len);
        if (bad >= 0) {
            throw new ProtocolException("invalid UTF-8 at byte " + (bad - off + 1));
        }
        rejectOtherEncodings(line, off, len);
        try (JsonParser p = JSON.createParser(line, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException("expected a JSON object such as {\"Join\":{\"group_name\":\"dogs\"}}");
            }
            if (p.nextToken() != JsonToken.FIELD_NAME) {
                throw new ProtocolException("empty request; expected one of " + REQUESTS);
            }
            String name = p.currentName();
            p.nextToken();
            T packet = variant.read(name, p);
            if (p.nextToken() != JsonToken.END_OBJECT) {
                throw new ProtocolException("a request has exactly one key, but '" + name + "' is followed by another");
            }
            if (p.nextToken() != null) {
                throw new ProtocolException("unexpected data after the JSON object");
            }
            return packet;
        } catch (JsonProcessingException e) {
            // Limit violations (nesting, token length) carry no location.
            String where = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
            throw new ProtocolException("invalid JSON" + where + ": " + JsonErrors.describe(e, line, off, len));
        } catch (IOException e) {
            // Parsing an array in memory does no I/O; should it fail anyway, say so without Jackson's words.
            throw new ProtocolException("invalid JSON: the line cannot be read as JSON");
        }
    }

    /**
     * Jackson guesses UTF-16/32 from NUL bytes and skips a byte-order mark; the protocol is UTF-8
     * only, as serde_json's is. A raw NUL is never valid JSON text, so it cannot hide anything real.
     */
    private static void rejectOtherEncodings(byte[] line, int off, int len) throws ProtocolException {
        for (int i = off, end = off + len; i < end; i++) {
            if (line[i] == 0) {
                throw new ProtocolException("invalid JSON at column " + (i - off + 1)
                        + ": NUL byte (the protocol is UTF-8 JSON text)");
            }
        }
        int i = off;
        while (i < off + len && (line[i] == ' ' || line[i] == '\t')) i++;
        if (off + len - i >= 3 && (line[i] & 0xFF) == 0xEF && (line[i + 1] & 0xFF) == 0xBB && (line[i + 2] & 0xFF) == 0xBF) {
            throw new ProtocolException("invalid JSON at column " + (i - off + 1) + ": byte-order mark");
        }
    }

    private static FromClient request(String name, JsonParser p) throws IOException, ProtocolException {
        return switch (name) {
            case "Join" -> {
                Body b = body(name, p, GROUP_NAME, HISTORY);
                yield new FromClient.Join(b.string(GROUP_NAME), b.count(HISTORY, 0));
            }
            case "Post" -> {
                Body b = body(name, p, GROUP_NAME, MESSAGE, ID);
                yield new FromClient.Post(b.string(GROUP_NAME), b.string(MESSAGE), b.has(ID) ? postId(b.string(ID)) : null);
            }
            case "Hello" -> new FromClient.Hello(body(name, p, NAME).string(NAME));
            case "Leave" -> new FromClient.Leave(body(name, p, GROUP_NAME).string(GROUP_NAME));
            case "List" -> {
                Body b = body(name, p, LIMIT, AFTER_NAME);
                yield new FromClient.ListGroups(pageLimit(name, b), b.has(AFTER_NAME) ? b.string(AFTER_NAME) : null);
            }
            case "Members" -> {
                Body b = body(name, p, GROUP_NAME, LIMIT, AFTER_NAME);
                yield new FromClient.Members(b.string(GROUP_NAME), pageLimit(name, b),
                        b.has(AFTER_NAME) ? b.string(AFTER_NAME) : null);
            }
            case "Auth" -> new FromClient.Auth(body(name, p, TOKEN).string(TOKEN));
            case "Register" -> {
                Body b = body(name, p, NAME, PASSWORD);
                yield new FromClient.Register(b.string(NAME), b.string(PASSWORD));
            }
            case "Login" -> {
                Body b = body(name, p, NAME, PASSWORD);
                yield new FromClient.Login(b.string(NAME), b.string(PASSWORD));
            }
            case "Password" -> {
                Body b = body(name, p, OLD_PASSWORD, NEW_PASSWORD);
                yield new FromClient.Password(b.string(OLD_PASSWORD), b.string(NEW_PASSWORD));
            }
            case "Fetch" -> {
                Body b = body(name, p, GROUP_NAME, AFTER, BEFORE, LIMIT);
                if (b.has(AFTER) && b.has(BEFORE)) {
                    throw new ProtocolException("fields 'after' and 'before' of Fetch cannot be given together");
                }
                yield new FromClient.Fetch(b.string(GROUP_NAME),
                        b.has(AFTER) ? OptionalLong.of(b.count(AFTER, 0)) : OptionalLong.empty(),
                        b.has(BEFORE) ? OptionalLong.of(b.count(BEFORE, 0)) : OptionalLong.empty(),
                        b.count(LIMIT, DEFAULT_FETCH_LIMIT));
            }
            case "Direct", "Conversations", "FetchDirect", "Read", "Block", "Unblock" -> directRequest(name, p);
            case "Op", "Deop", "Owner", "Drop", "Topic", "Kick", "Ban", "Unban", "Mute", "Unmute", "Mode", "Invite",
                    "GroupInfo", "Suspend", "Unsuspend" -> moderationRequest(name, p);
            default -> throw new ProtocolException("unknown request '" + name + "'; expected one of " + REQUESTS);
        };
    }

    private static FromServer reply(String name, JsonParser p) throws IOException, ProtocolException {
        return switch (name) {
            case "Message" -> {
                Body b = body(name, p, GROUP_NAME, MESSAGE, FROM, SEQ, TS);
                yield new FromServer.Message(b.string(GROUP_NAME), b.string(MESSAGE),
                        b.has(FROM) ? b.string(FROM) : null, b.count(SEQ, 0), b.count(TS, 0));
            }
            case "Error" -> {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    throw new ProtocolException("'Error' must be a string");
                }
                yield new FromServer.Error(text(p));
            }
            case "Welcome" -> {
                Body b = body(name, p, NAME, SERVER, EPOCH, AUTH, ACCOUNT, UNREAD);
                yield new FromServer.Welcome(b.string(NAME), b.string(SERVER), b.has(EPOCH) ? b.string(EPOCH) : null,
                        b.flag(AUTH), b.flag(ACCOUNT), b.count(UNREAD, 0));
            }
            case "Joined" -> {
                Body b = body(name, p, GROUP_NAME, NAME);
                yield new FromServer.Joined(b.string(GROUP_NAME), b.string(NAME));
            }
            case "Left" -> {
                Body b = body(name, p, GROUP_NAME, NAME);
                yield new FromServer.Left(b.string(GROUP_NAME), b.string(NAME));
            }
            case "Posted" -> {
                Body b = body(name, p, GROUP_NAME, ID, SEQ_REQUIRED, TS_REQUIRED);
                yield new FromServer.Posted(b.string(GROUP_NAME), b.string(ID), b.count(SEQ_REQUIRED, 0),
                        b.count(TS_REQUIRED, 0));
            }
            case "Fetched" -> {
                Body b = body(name, p, GROUP_NAME, COUNT, OLDEST, NEWEST);
                yield new FromServer.Fetched(b.string(GROUP_NAME), b.count(COUNT, 0), b.count(OLDEST, 0),
                        b.count(NEWEST, 0));
            }
            case "Groups" -> new FromServer.Groups(groups(p));
            case "Members" -> {
                Body b = body(name, p, GROUP_NAME, NAMES);
                yield new FromServer.Members(b.string(GROUP_NAME), b.strings(NAMES));
            }
            case "Listed" -> {
                Body b = body(name, p, GROUP_NAME_OPTIONAL, COUNT, MORE);
                yield new FromServer.Listed(b.has(GROUP_NAME_OPTIONAL) ? b.string(GROUP_NAME_OPTIONAL) : null,
                        b.count(COUNT, 0), b.flag(MORE));
            }
            case "Direct", "Sent", "Conversations", "FetchedDirect", "Read", "Block", "Unblock" -> directReply(name, p);
            case "GroupEvent", "GroupInfo", "Topic", "Suspended", "Unsuspended" -> moderationReply(name, p);
            default -> throw new ProtocolException("unknown reply '" + name + "'");
        };
    }

    private static List<FromServer.GroupInfo> groups(JsonParser p) throws IOException, ProtocolException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw new ProtocolException("'Groups' must be an array");
        List<FromServer.GroupInfo> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Body b = body("Groups", p, NAME, MEMBERS);
            out.add(new FromServer.GroupInfo(b.string(NAME), b.count(MEMBERS, 0)));
        }
        return out;
    }

    // ------------------------------------------------------------------ object bodies

    /**
     * A page's limit (List, Members): 0 when not given; a given one must be at least 1 (a larger
     * one than the server serves is cut to its maximum page, which the summary's {@code more} shows).
     */
    private static long pageLimit(String variant, Body b) throws ProtocolException {
        if (!b.has(LIMIT)) return 0;
        long limit = b.count(LIMIT, 0);
        if (limit < 1) {
            throw new ProtocolException("field 'limit' of " + variant + " must be a whole number from 1 to "
                    + Long.MAX_VALUE);
        }
        return limit;
    }

    /** The direct-message requests (docs/direct.md). */
    private static FromClient directRequest(String name, JsonParser p) throws IOException, ProtocolException {
        return switch (name) {
            case "Direct" -> {
                Body b = body(name, p, TO, MESSAGE, ID);
                yield new FromClient.Direct(b.string(TO), b.string(MESSAGE), b.has(ID) ? clientId(name, b.string(ID)) : null);
            }
            case "Conversations" -> {
                body(name, p);
                yield new FromClient.Conversations();
            }
            case "FetchDirect" -> {
                Body b = body(name, p, WITH, AFTER, BEFORE, LIMIT);
                if (b.has(AFTER) && b.has(BEFORE)) {
                    throw new ProtocolException("fields 'after' and 'before' of FetchDirect cannot be given together");
                }
                long limit = b.count(LIMIT, DEFAULT_FETCH_LIMIT);
                if (limit < 1) throw new ProtocolException("field 'limit' of FetchDirect must be a whole number from 1 to " + Long.MAX_VALUE);
                yield new FromClient.FetchDirect(b.string(WITH),
                        b.has(AFTER) ? OptionalLong.of(b.count(AFTER, 0)) : OptionalLong.empty(),
                        b.has(BEFORE) ? OptionalLong.of(b.count(BEFORE, 0)) : OptionalLong.empty(), limit);
            }
            case "Read" -> {
                Body b = body(name, p, WITH, SEQ_REQUIRED);
                yield new FromClient.Read(b.string(WITH), b.count(SEQ_REQUIRED, 0));
            }
            case "Block" -> new FromClient.Block(body(name, p, NAME).string(NAME));
            default -> new FromClient.Unblock(body(name, p, NAME).string(NAME));
        };
    }

    /** The direct-message replies, as the terminal client reads them. */
    private static FromServer directReply(String name, JsonParser p) throws IOException, ProtocolException {
        return switch (name) {
            case "Direct" -> {
                Body b = body(name, p, FROM_REQUIRED, TO, MESSAGE, SEQ_REQUIRED, TS);
                yield new FromServer.Direct(b.string(FROM_REQUIRED), b.string(TO), b.string(MESSAGE),
                        b.count(SEQ_REQUIRED, 0), b.count(TS, 0));
            }
            case "Sent" -> {
                Body b = body(name, p, TO, ID, SEQ_REQUIRED, TS_REQUIRED);
                yield new FromServer.Sent(b.string(TO), b.has(ID) ? b.string(ID) : null, b.count(SEQ_REQUIRED, 0),
                        b.count(TS_REQUIRED, 0));
            }
            case "Conversations" -> new FromServer.Conversations(conversations(p));
            case "FetchedDirect" -> {
                Body b = body(name, p, WITH, COUNT, OLDEST, NEWEST);
                yield new FromServer.FetchedDirect(b.string(WITH), b.count(COUNT, 0), b.count(OLDEST, 0),
                        b.count(NEWEST, 0));
            }
            case "Read" -> {
                Body b = body(name, p, WITH, SEQ_REQUIRED);
                yield new FromServer.Read(b.string(WITH), b.count(SEQ_REQUIRED, 0));
            }
            case "Block" -> new FromServer.Block(body(name, p, NAME).string(NAME));
            default -> new FromServer.Unblock(body(name, p, NAME).string(NAME));
        };
    }

    /** The moderation requests (docs/moderation.md). */
    private static FromClient moderationRequest(String name, JsonParser p) throws IOException, ProtocolException {
        if (name.equals("Suspend")) {
            Body b = body(name, p, NAME, FOR_REQUIRED);
            return new FromClient.Suspend(b.string(NAME), WireDuration.parse(name, b.string(FOR_REQUIRED)));
        }
        if (name.equals("Unsuspend")) return new FromClient.Unsuspend(body(name, p, NAME).string(NAME));
        Body b = body(name, p, GROUP_NAME, NAME_OPTIONAL, REASON, FOR, TOPIC_REQUIRED_LATER, INVITE_ONLY, MODERATED,
                PRIVATE);
        String g = b.string(GROUP_NAME);
        return switch (name) {
            case "Drop" -> new FromClient.Drop(g);
            case "GroupInfo" -> new FromClient.GroupInfo(g);
            case "Topic" -> new FromClient.Topic(g, required(name, b, TOPIC_REQUIRED_LATER));
            case "Mode" -> new FromClient.Mode(g, b.bool(INVITE_ONLY), b.bool(MODERATED), b.bool(PRIVATE));
            case "Op" -> new FromClient.Op(g, required(name, b, NAME_OPTIONAL));
            case "Deop" -> new FromClient.Deop(g, required(name, b, NAME_OPTIONAL));
            case "Owner" -> new FromClient.Owner(g, required(name, b, NAME_OPTIONAL));
            case "Unban" -> new FromClient.Unban(g, required(name, b, NAME_OPTIONAL));
            case "Unmute" -> new FromClient.Unmute(g, required(name, b, NAME_OPTIONAL));
            case "Invite" -> new FromClient.Invite(g, required(name, b, NAME_OPTIONAL));
            case "Kick" -> new FromClient.Kick(g, required(name, b, NAME_OPTIONAL), b.string(REASON));
            case "Ban" -> new FromClient.Ban(g, required(name, b, NAME_OPTIONAL), b.string(REASON),
                    b.has(FOR) ? WireDuration.parse(name, b.string(FOR)) : null);
            default -> new FromClient.Mute(g, required(name, b, NAME_OPTIONAL),
                    b.has(FOR) ? WireDuration.parse(name, b.string(FOR)) : null);
        };
    }

    /** A field read as optional (the moderation requests share one field list) that this variant requires. */
    private static String required(String variant, Body b, Field f) throws ProtocolException {
        if (!b.has(f)) throw new ProtocolException("missing field '" + f.name() + "' in " + variant);
        return b.string(f);
    }

    /** The moderation replies, as the clients read them. */
    private static FromServer moderationReply(String name, JsonParser p) throws IOException, ProtocolException {
        return switch (name) {
            case "GroupEvent" -> {
                Body b = body(name, p, GROUP_NAME, KIND, BY, NAME_OPTIONAL, REASON, TOPIC_REQUIRED_LATER, UNTIL,
                        INVITE_ONLY, MODERATED, PRIVATE, SEQ, TS);
                FromServer.Modes modes = b.has(INVITE_ONLY) || b.has(MODERATED) || b.has(PRIVATE)
                        ? new FromServer.Modes(b.flag(INVITE_ONLY), b.flag(MODERATED), b.flag(PRIVATE)) : null;
                yield new FromServer.GroupEvent(b.string(GROUP_NAME), b.string(KIND), b.string(BY),
                        b.string(NAME_OPTIONAL), b.string(REASON), b.string(TOPIC_REQUIRED_LATER), b.count(UNTIL, 0),
                        modes, b.count(SEQ, 0), b.count(TS, 0));
            }
            case "GroupInfo" -> {
                Body b = body(name, p, GROUP_NAME, OWNER, OPERATORS, TOPIC_REQUIRED_LATER, INVITE_ONLY, MODERATED,
                        PRIVATE, MEMBERS);
                yield new FromServer.GroupDetails(b.string(GROUP_NAME), b.string(OWNER),
                        b.has(OPERATORS) ? b.strings(OPERATORS) : List.of(), b.string(TOPIC_REQUIRED_LATER),
                        new FromServer.Modes(b.flag(INVITE_ONLY), b.flag(MODERATED), b.flag(PRIVATE)),
                        b.count(MEMBERS, 0));
            }
            case "Topic" -> {
                Body b = body(name, p, GROUP_NAME, TOPIC_REQUIRED_LATER, BY, TS);
                yield new FromServer.Topic(b.string(GROUP_NAME), required(name, b, TOPIC_REQUIRED_LATER), b.string(BY),
                        b.count(TS, 0));
            }
            case "Suspended" -> {
                Body b = body(name, p, NAME, UNTIL);
                yield new FromServer.Suspended(b.string(NAME), b.count(UNTIL, 0));
            }
            default -> new FromServer.Unsuspended(body(name, p, NAME).string(NAME));
        };
    }

    private static List<FromServer.ConversationInfo> conversations(JsonParser p) throws IOException, ProtocolException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw new ProtocolException("'Conversations' must be an array");
        List<FromServer.ConversationInfo> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            Body b = body("Conversations", p, WITH, NEWEST, READ_MARK);
            out.add(new FromServer.ConversationInfo(b.string(WITH), b.count(NEWEST, 0), b.count(READ_MARK, 0)));
        }
        if (p.currentToken() != JsonToken.END_ARRAY) throw new ProtocolException("'Conversations' must be an array");
        return out;
    }

    /** The longest post id a client may give. */
    public static final int MAX_ID_CHARS = 64;

    /** A post's id as given: 1 to {@link #MAX_ID_CHARS} printable ASCII characters (space to tilde). */
    private static String postId(String id) throws ProtocolException {
        return clientId("Post", id);
    }

    /** A client's id for a request of {@code variant} (a Post or a Direct), under the same rules. */
    private static String clientId(String variant, String id) throws ProtocolException {
        boolean ok = !id.isEmpty() && id.length() <= MAX_ID_CHARS;
        for (int i = 0; ok && i < id.length(); i++) {
            char c = id.charAt(i);
            ok = c >= 0x20 && c <= 0x7E;
        }
        if (!ok) {
            throw new ProtocolException("field 'id' of " + variant + " must be 1 to " + MAX_ID_CHARS
                    + " printable ASCII characters");
        }
        return id;
    }

    /** NULLABLE_STRING: a string or JSON null, null reading as absent (GroupInfo's ownerless {@code "owner":null}). */
    private enum Kind { STRING, NULLABLE_STRING, COUNT, STRINGS, BOOLEAN }

    /** A field a packet body may carry; {@code required} fields are reported when missing. */
    private record Field(String name, Kind kind, boolean required) {}

    private static final Field GROUP_NAME = new Field("group_name", Kind.STRING, true);
    private static final Field MESSAGE = new Field("message", Kind.STRING, true);
    private static final Field NAME = new Field("name", Kind.STRING, true);
    private static final Field TOKEN = new Field("token", Kind.STRING, true);
    private static final Field SERVER = new Field("server", Kind.STRING, true);
    private static final Field FROM = new Field("from", Kind.STRING, false);
    private static final Field SEQ = new Field("seq", Kind.COUNT, false);
    private static final Field HISTORY = new Field("history", Kind.COUNT, false);
    private static final Field AFTER = new Field("after", Kind.COUNT, false);
    private static final Field BEFORE = new Field("before", Kind.COUNT, false);
    private static final Field ID = new Field("id", Kind.STRING, false);
    private static final Field TS = new Field("ts", Kind.COUNT, false);
    private static final Field SEQ_REQUIRED = new Field("seq", Kind.COUNT, true);
    private static final Field TS_REQUIRED = new Field("ts", Kind.COUNT, true);
    private static final Field EPOCH = new Field("epoch", Kind.STRING, false);
    private static final Field AUTH = new Field("auth", Kind.BOOLEAN, false);
    private static final Field ACCOUNT = new Field("account", Kind.BOOLEAN, false);
    private static final Field PASSWORD = new Field("password", Kind.STRING, true);
    private static final Field OLD_PASSWORD = new Field("old", Kind.STRING, true);
    private static final Field NEW_PASSWORD = new Field("new", Kind.STRING, true);
    private static final Field OLDEST = new Field("oldest", Kind.COUNT, true);
    private static final Field NEWEST = new Field("newest", Kind.COUNT, true);
    private static final Field LIMIT = new Field("limit", Kind.COUNT, false);
    /** The name a page of List or Members starts after. */
    private static final Field AFTER_NAME = new Field("after", Kind.STRING, false);
    private static final Field GROUP_NAME_OPTIONAL = new Field("group_name", Kind.STRING, false);
    private static final Field COUNT = new Field("count", Kind.COUNT, true);
    private static final Field MORE = new Field("more", Kind.BOOLEAN, true);
    private static final Field MEMBERS = new Field("members", Kind.COUNT, true);
    private static final Field NAMES = new Field("names", Kind.STRINGS, true);
    private static final Field UNREAD = new Field("unread", Kind.COUNT, false);
    private static final Field TO = new Field("to", Kind.STRING, true);
    private static final Field FROM_REQUIRED = new Field("from", Kind.STRING, true);
    private static final Field WITH = new Field("with", Kind.STRING, true);
    private static final Field READ_MARK = new Field("read", Kind.COUNT, true);
    private static final Field NAME_OPTIONAL = new Field("name", Kind.STRING, false);
    private static final Field REASON = new Field("reason", Kind.STRING, false);
    private static final Field FOR = new Field("for", Kind.STRING, false);
    private static final Field FOR_REQUIRED = new Field("for", Kind.STRING, true);
    /** Read as optional in the shared field lists; the variants that need it check with {@link #required}. */
    private static final Field TOPIC_REQUIRED_LATER = new Field("topic", Kind.STRING, false);
    private static final Field INVITE_ONLY = new Field("invite_only", Kind.BOOLEAN, false);
    private static final Field MODERATED = new Field("moderated", Kind.BOOLEAN, false);
    private static final Field PRIVATE = new Field("private", Kind.BOOLEAN, false);
    private static final Field KIND = new Field("kind", Kind.STRING, true);
    private static final Field BY = new Field("by", Kind.STRING, false);
    private static final Field UNTIL = new Field("until", Kind.COUNT, false);
    private static final Field OWNER = new Field("owner", Kind.NULLABLE_STRING, false);
    private static final Field OPERATORS = new Field("operators", Kind.STRINGS, false);
    /** Entries a page of List or Members holds when the request gives no limit: far under the reply backlog. */
    public static final long DEFAULT_PAGE_LIMIT = 100;
    /** The most a page of List or Members holds, whatever limit is asked; the summary says there is more. */
    public static final long MAX_PAGE_LIMIT = 1000;
    /** Messages a Fetch returns when it gives no limit. */
    public static final long DEFAULT_FETCH_LIMIT = 100;

    /** The known fields of one packet body, by position in the field list it was read with. */
    private record Body(Field[] fields, Object[] values) {
        String string(Field f) {
            return (String) values[index(f)];
        }

        long count(Field f, long absent) {
            Object v = values[index(f)];
            return v == null ? absent : (Long) v;
        }

        @SuppressWarnings("unchecked")
        List<String> strings(Field f) {
            return (List<String>) values[index(f)];
        }

        boolean flag(Field f) {
            return Boolean.TRUE.equals(values[index(f)]);
        }

        boolean has(Field f) {
            return values[index(f)] != null;
        }

        /** A boolean field as given, null when absent. */
        Boolean bool(Field f) {
            return (Boolean) values[index(f)];
        }

        private int index(Field f) {
            for (int i = 0; i < fields.length; i++) if (fields[i] == f) return i;
            throw new IllegalArgumentException(f.name());
        }
    }

    /**
     * Reads the object body of a variant, keeping the listed fields and skipping unknown ones
     * (serde ignores them too, which keeps old peers compatible with protocol extensions).
     */
    private static Body body(String variant, JsonParser p, Field... fields) throws IOException, ProtocolException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new ProtocolException("'" + variant + "' must be an object of its fields, e.g. " + example(variant));
        }
        Object[] values = new Object[fields.length];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            int i = indexOf(fields, name);
            if (i < 0) {
                p.skipChildren();
                continue;
            }
            if (values[i] != null) {
                throw new ProtocolException("duplicate field '" + name + "' in " + variant);
            }
            values[i] = value(variant, fields[i], token, p);
        }
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].required() && values[i] == null) {
                throw new ProtocolException("missing field '" + fields[i].name() + "' in " + variant);
            }
        }
        return new Body(fields, values);
    }

    private static Object value(String variant, Field f, JsonToken token, JsonParser p)
            throws IOException, ProtocolException {
        switch (f.kind()) {
            case NULLABLE_STRING -> {
                if (token == JsonToken.VALUE_NULL) return null;
                if (token != JsonToken.VALUE_STRING) {
                    throw new ProtocolException("field '" + f.name() + "' of " + variant + " must be a string or null");
                }
                return text(p);
            }
            case STRING -> {
                if (token != JsonToken.VALUE_STRING) {
                    throw new ProtocolException("field '" + f.name() + "' of " + variant + " must be a string");
                }
                return text(p);
            }
            case COUNT -> {
                if (token != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        || p.getLongValue() < 0) {
                    throw new ProtocolException("field '" + f.name() + "' of " + variant
                            + " must be a whole number from 0 to " + Long.MAX_VALUE);
                }
                return p.getLongValue();
            }
            case BOOLEAN -> {
                if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                    throw new ProtocolException("field '" + f.name() + "' of " + variant + " must be true or false");
                }
                return token == JsonToken.VALUE_TRUE;
            }
            case STRINGS -> {
                if (token != JsonToken.START_ARRAY) {
                    throw new ProtocolException("field '" + f.name() + "' of " + variant + " must be an array of strings");
                }
                List<String> out = new ArrayList<>();
                while (p.nextToken() == JsonToken.VALUE_STRING) out.add(text(p));
                if (p.currentToken() != JsonToken.END_ARRAY) {
                    throw new ProtocolException("field '" + f.name() + "' of " + variant + " must be an array of strings");
                }
                return out;
            }
        }
        throw new AssertionError(f.kind());
    }

    private static int indexOf(Field[] fields, String name) {
        for (int i = 0; i < fields.length; i++) if (fields[i].name().equals(name)) return i;
        return -1;
    }

    /** A string value; an escaped lone surrogate cannot become UTF-8 again, so it is refused here. */
    private static String text(JsonParser p) throws IOException, ProtocolException {
        String s = p.getText();
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (!Character.isSurrogate(c)) continue;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            throw new ProtocolException("invalid \\u escape: unpaired surrogate in a string");
        }
        return s;
    }

    private static String example(String variant) {
        return switch (variant) {
            case "Join" -> "{\"Join\":{\"group_name\":\"dogs\"}}";
            case "Post" -> "{\"Post\":{\"group_name\":\"dogs\",\"message\":\"hello\"}}";
            case "Hello" -> "{\"Hello\":{\"name\":\"alice\"}}";
            case "Fetch" -> "{\"Fetch\":{\"group_name\":\"dogs\",\"after\":41,\"limit\":100}}";
            case "List" -> "{\"List\":{}}";
            case "Auth" -> "{\"Auth\":{\"token\":\"...\"}}";
            case "Register" -> "{\"Register\":{\"name\":\"alice\",\"password\":\"...\"}}";
            case "Login" -> "{\"Login\":{\"name\":\"alice\",\"password\":\"...\"}}";
            case "Password" -> "{\"Password\":{\"old\":\"...\",\"new\":\"...\"}}";
            case "Direct" -> "{\"Direct\":{\"to\":\"bob\",\"message\":\"hi\",\"id\":\"c9\"}}";
            case "Conversations" -> "{\"Conversations\":{}}";
            case "FetchDirect" -> "{\"FetchDirect\":{\"with\":\"alice\",\"before\":100,\"limit\":50}}";
            case "Read" -> "{\"Read\":{\"with\":\"alice\",\"seq\":7}}";
            case "Block" -> "{\"Block\":{\"name\":\"bob\"}}";
            case "Unblock" -> "{\"Unblock\":{\"name\":\"bob\"}}";
            case "Op", "Deop", "Owner", "Unban", "Unmute", "Invite", "Kick" -> "{\"" + variant
                    + "\":{\"group_name\":\"dogs\",\"name\":\"bob\"}}";
            case "Ban" -> "{\"Ban\":{\"group_name\":\"dogs\",\"name\":\"bob\",\"reason\":\"spam\",\"for\":\"24h\"}}";
            case "Mute" -> "{\"Mute\":{\"group_name\":\"dogs\",\"name\":\"bob\",\"for\":\"10m\"}}";
            case "Drop", "GroupInfo" -> "{\"" + variant + "\":{\"group_name\":\"dogs\"}}";
            case "Topic" -> "{\"Topic\":{\"group_name\":\"dogs\",\"topic\":\"walks\"}}";
            case "Mode" -> "{\"Mode\":{\"group_name\":\"dogs\",\"invite_only\":true}}";
            case "Suspend" -> "{\"Suspend\":{\"name\":\"bob\",\"for\":\"24h\"}}";
            case "Unsuspend" -> "{\"Unsuspend\":{\"name\":\"bob\"}}";
            default -> "{\"" + variant + "\":{...}}";
        };
    }
}
