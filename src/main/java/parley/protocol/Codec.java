package parley.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Lines to packets and packets to lines. Every encoder returns a complete line, newline included,
 * byte-identical to serde_json's output for the book's enums; every decoder accepts what serde
 * would (any field order, unknown fields ignored, surrounding whitespace) and rejects the rest
 * with a {@link ProtocolException} that names the problem.
 */
public final class Codec {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();
    private static final String REQUESTS = "Join, Post";

    private Codec() {}

    // ------------------------------------------------------------------ encoding

    /** The {@code Message} line for a post: built once per post and shared by every member. */
    public static byte[] encodeMessage(String groupName, String message) {
        return new JsonOut(48 + groupName.length() + message.length())
                .raw("{\"Message\":{\"group_name\":").string(groupName)
                .raw(",\"message\":").string(message)
                .raw("}}").newline().toByteArray();
    }

    public static byte[] encodeError(String text) {
        return new JsonOut(16 + text.length()).raw("{\"Error\":").string(text).raw("}").newline().toByteArray();
    }

    public static byte[] encode(FromServer packet) {
        return switch (packet) {
            case FromServer.Message m -> encodeMessage(m.groupName(), m.message());
            case FromServer.Error e -> encodeError(e.text());
        };
    }

    public static byte[] encode(FromClient packet) {
        JsonOut out = new JsonOut(64);
        switch (packet) {
            case FromClient.Join j -> out.raw("{\"Join\":{\"group_name\":").string(j.groupName()).raw("}}");
            case FromClient.Post p -> out.raw("{\"Post\":{\"group_name\":").string(p.groupName())
                    .raw(",\"message\":").string(p.message()).raw("}}");
        }
        return out.newline().toByteArray();
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
            throw new ProtocolException("invalid JSON at column " + e.getLocation().getColumnNr() + ": "
                    + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ProtocolException("invalid JSON: " + firstLine(e.getMessage()));
        }
    }

    private static FromClient request(String name, JsonParser p) throws IOException, ProtocolException {
        return switch (name) {
            case "Join" -> {
                Map<String, String> f = fields(name, p, "group_name");
                yield new FromClient.Join(required(f, name, "group_name"));
            }
            case "Post" -> {
                Map<String, String> f = fields(name, p, "group_name", "message");
                yield new FromClient.Post(required(f, name, "group_name"), required(f, name, "message"));
            }
            default -> throw new ProtocolException("unknown request '" + name + "'; expected one of " + REQUESTS);
        };
    }

    private static FromServer reply(String name, JsonParser p) throws IOException, ProtocolException {
        return switch (name) {
            case "Message" -> {
                Map<String, String> f = fields(name, p, "group_name", "message");
                yield new FromServer.Message(required(f, name, "group_name"), required(f, name, "message"));
            }
            case "Error" -> {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    throw new ProtocolException("'Error' must be a string");
                }
                yield new FromServer.Error(text(p));
            }
            default -> throw new ProtocolException("unknown reply '" + name + "'; expected Message or Error");
        };
    }

    /**
     * Reads the object body of a variant, keeping the named string fields and skipping unknown
     * ones (serde ignores them too, which keeps old peers compatible with protocol extensions).
     */
    private static Map<String, String> fields(String variant, JsonParser p, String... wanted)
            throws IOException, ProtocolException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new ProtocolException("'" + variant + "' must be an object of its fields, e.g. "
                    + example(variant));
        }
        Map<String, String> found = new HashMap<>(4);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (!contains(wanted, field)) {
                p.skipChildren();
                continue;
            }
            if (value != JsonToken.VALUE_STRING) {
                throw new ProtocolException("field '" + field + "' of " + variant + " must be a string");
            }
            if (found.put(field, text(p)) != null) {
                throw new ProtocolException("duplicate field '" + field + "' in " + variant);
            }
        }
        return found;
    }

    private static String required(Map<String, String> fields, String variant, String field) throws ProtocolException {
        String v = fields.get(field);
        if (v == null) {
            throw new ProtocolException("missing field '" + field + "' in " + variant);
        }
        return v;
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

    private static boolean contains(String[] names, String name) {
        for (String n : names) if (n.equals(name)) return true;
        return false;
    }

    private static String example(String variant) {
        return switch (variant) {
            case "Join" -> "{\"Join\":{\"group_name\":\"dogs\"}}";
            case "Post" -> "{\"Post\":{\"group_name\":\"dogs\",\"message\":\"hello\"}}";
            default -> "{\"" + variant + "\":{...}}";
        };
    }

    private static String firstLine(String s) {
        if (s == null) return "malformed input";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
