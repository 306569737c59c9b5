package parley.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses the bench's JSON output into maps, lists, strings, numbers and booleans (for tests). */
final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            Object v = value(p, p.nextToken());
            if (p.nextToken() != null) throw new IOException("more than one JSON value");
            return (Map<String, Object>) v;
        }
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    if (m.put(name, value(p, p.nextToken())) != null) throw new IOException("duplicate " + name);
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                JsonToken x;
                while ((x = p.nextToken()) != JsonToken.END_ARRAY) l.add(value(p, x));
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected " + t);
        }
    }

    static long number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) throw new AssertionError(key + " is not a number: " + v + " in " + m);
        return n.longValue();
    }
}
