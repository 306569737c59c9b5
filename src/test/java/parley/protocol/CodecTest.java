package parley.protocol;

import java.util.HexFormat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wire bytes, both directions. The target is byte identity with Rust's serde_json for the
 * book's {@code FromClient} / {@code FromServer} enums, so encodings are compared as exact bytes,
 * trailing newline included.
 */
@DisplayName("Codec")
class CodecTest {

    // ------------------------------------------------------------------ helpers

    private static byte[] utf8(String s) {
        return s.getBytes(UTF_8);
    }

    private static FromClient request(String line) throws ProtocolException {
        byte[] b = utf8(line);
        return Codec.decodeRequest(b, 0, b.length);
    }

    private static FromClient request(byte[] line) throws ProtocolException {
        return Codec.decodeRequest(line, 0, line.length);
    }

    private static FromServer reply(String line) throws ProtocolException {
        byte[] b = utf8(line);
        return Codec.decodeReply(b, 0, b.length);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /**
     * An independent statement of serde_json's string escaping (serde_json/src/ser.rs, ESCAPE
     * table): {@code " \} and {@code \b \t \n \f \r} get short escapes, every other char below
     * 0x20 becomes <code>&#92;u00xx</code> with lower-case hex, everything else is emitted as UTF-8.
     */
    private static String serdeQuote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case 0x08 -> sb.append("\\b");
                case 0x09 -> sb.append("\\t");
                case 0x0A -> sb.append("\\n");
                case 0x0C -> sb.append("\\f");
                case 0x0D -> sb.append("\\r");
                default -> {
                    if (cp < 0x20) {
                        sb.append("\\u00").append(Character.forDigit(cp >> 4, 16)).append(Character.forDigit(cp & 0xF, 16));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.append('"').toString();
    }

    private static String asText(byte[] encoded) {
        return new String(encoded, UTF_8);
    }

    // ------------------------------------------------------------------ encoding: exact packets

    @Nested
    @DisplayName("encodes every packet to serde_json's exact bytes")
    class EncodePackets {

        @Test
        void messageFromServer() {
            byte[] expected = utf8("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hello\"}}\n");
            assertThat(Codec.encode(new FromServer.Message("dogs", "hello"))).isEqualTo(expected);
            assertThat(Codec.encodeMessage("dogs", "hello")).isEqualTo(expected);
        }

        @Test
        void errorForMissingGroup() {
            byte[] expected = utf8("{\"Error\":\"Group 'cats' does not exist\"}\n");
            assertThat(Codec.encode(new FromServer.Error("Group 'cats' does not exist"))).isEqualTo(expected);
            assertThat(Codec.encodeError("Group 'cats' does not exist")).isEqualTo(expected);
        }

        @Test
        void errorForLagNotice() {
            assertThat(Codec.encode(new FromServer.Error("Dropped 260 messages from dogs.")))
                    .isEqualTo(utf8("{\"Error\":\"Dropped 260 messages from dogs.\"}\n"));
        }

        @Test
        void joinFromClient() {
            assertThat(Codec.encode(new FromClient.Join("dogs")))
                    .isEqualTo(utf8("{\"Join\":{\"group_name\":\"dogs\"}}\n"));
        }

        @Test
        void postFromClient() {
            assertThat(Codec.encode(new FromClient.Post("dogs", "hello")))
                    .isEqualTo(utf8("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"hello\"}}\n"));
        }

        @Test
        void emptyStrings() {
            assertThat(asText(Codec.encode(new FromClient.Post("", ""))))
                    .isEqualTo("{\"Post\":{\"group_name\":\"\",\"message\":\"\"}}\n");
            assertThat(asText(Codec.encodeError(""))).isEqualTo("{\"Error\":\"\"}\n");
            assertThat(asText(Codec.encodeMessage("", ""))).isEqualTo("{\"Message\":{\"group_name\":\"\",\"message\":\"\"}}\n");
        }

        @Test
        @DisplayName("escapes apply to the group name as well as the message")
        void escapesInGroupName() {
            assertThat(asText(Codec.encode(new FromClient.Join("a\"b\\c\n"))))
                    .isEqualTo("{\"Join\":{\"group_name\":\"a\\\"b\\\\c\\n\"}}\n");
            assertThat(asText(Codec.encodeMessage("g\t", "m\u0001")))
                    .isEqualTo("{\"Message\":{\"group_name\":\"g\\t\",\"message\":\"m\\u0001\"}}\n");
        }

        @Test
        @DisplayName("long values grow the buffer without losing bytes")
        void longValues() {
            String big = "x\u0001\"é日😀".repeat(20_000);
            byte[] expected = utf8("{\"Post\":{\"group_name\":" + serdeQuote(big) + ",\"message\":" + serdeQuote(big) + "}}\n");
            assertThat(Codec.encode(new FromClient.Post(big, big))).isEqualTo(expected);
            assertThat(Codec.encodeMessage(big, big))
                    .isEqualTo(utf8("{\"Message\":{\"group_name\":" + serdeQuote(big) + ",\"message\":" + serdeQuote(big) + "}}\n"));
        }
    }

    // ------------------------------------------------------------------ encoding: escaping rules

    @Nested
    @DisplayName("escapes strings exactly as serde_json does")
    class Escaping {

        private String errorWith(String text) {
            return asText(Codec.encodeError(text));
        }

        @Test
        void quoteAndBackslash() {
            assertThat(errorWith("say \"hi\"")).isEqualTo("{\"Error\":\"say \\\"hi\\\"\"}\n");
            assertThat(errorWith("a\\b")).isEqualTo("{\"Error\":\"a\\\\b\"}\n");
            assertThat(Codec.encodeError("\"\\")).isEqualTo(utf8("{\"Error\":\"\\\"\\\\\"}\n"));
        }

        @Test
        void shortEscapes() {
            assertThat(errorWith("\b\t\n\f\r")).isEqualTo("{\"Error\":\"\\b\\t\\n\\f\\r\"}\n");
        }

        @Test
        @DisplayName("other control characters as \\u00xx with lower-case hex")
        void hexEscapes() {
            assertThat(errorWith("\u001f")).isEqualTo("{\"Error\":\"\\u001f\"}\n");
            assertThat(errorWith("\u0000")).isEqualTo("{\"Error\":\"\\u0000\"}\n");
            assertThat(errorWith("\u001b[0m")).isEqualTo("{\"Error\":\"\\u001b[0m\"}\n");
            assertThat(errorWith("\u000b")).isEqualTo("{\"Error\":\"\\u000b\"}\n");
        }

        @Test
        @DisplayName("every control character 0x00-0x1F, against an independent table")
        void everyControlCharacter() {
            String[] expected = {
                "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
                "\\b", "\\t", "\\n", "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f",
                "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
                "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
            };
            for (int c = 0; c < 0x20; c++) {
                String text = "a" + (char) c + "b";
                assertThat(Codec.encodeError(text))
                        .as("control char 0x%02x", c)
                        .isEqualTo(utf8("{\"Error\":\"a" + expected[c] + "b\"}\n"));
                assertThat(errorWith(text)).as("reference escaper, 0x%02x", c)
                        .isEqualTo("{\"Error\":" + serdeQuote(text) + "}\n");
            }
        }

        @Test
        @DisplayName("all 32 control characters in one string")
        void allControlsTogether() {
            StringBuilder in = new StringBuilder();
            for (int c = 0; c < 0x20; c++) in.append((char) c);
            assertThat(errorWith(in.toString())).isEqualTo(
                    "{\"Error\":\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
                            + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"}\n");
        }

        @Test
        @DisplayName("DEL, slash and the rest of printable ASCII are raw")
        void rawAscii() {
            StringBuilder printable = new StringBuilder();
            for (int c = 0x20; c <= 0x7F; c++) {
                if (c != '"' && c != '\\') printable.append((char) c);
            }
            byte[] expected = concat(utf8("{\"Error\":\""), utf8(printable.toString()), utf8("\"}\n"));
            assertThat(Codec.encodeError(printable.toString())).isEqualTo(expected);
            assertThat(Codec.encodeError("\u007f")).isEqualTo(bytes('{', '"', 'E', 'r', 'r', 'o', 'r', '"', ':', '"', 0x7F, '"', '}', '\n'));
            assertThat(errorWith("a/b</script>")).isEqualTo("{\"Error\":\"a/b</script>\"}\n");
        }

        @Test
        @DisplayName("non-ASCII as raw UTF-8: 2, 3 and 4 byte forms")
        void rawUtf8() {
            byte[] prefix = utf8("{\"Error\":\"");
            byte[] suffix = utf8("\"}\n");
            assertThat(Codec.encodeError("é")).isEqualTo(concat(prefix, bytes(0xC3, 0xA9), suffix));
            assertThat(Codec.encodeError("日本"))
                    .isEqualTo(concat(prefix, bytes(0xE6, 0x97, 0xA5, 0xE6, 0x9C, 0xAC), suffix));
            assertThat(Codec.encodeError("😀")).isEqualTo(concat(prefix, bytes(0xF0, 0x9F, 0x98, 0x80), suffix));
            assertThat(Codec.encodeError("\u0080\u07ff\u0800\uffff"))
                    .isEqualTo(concat(prefix, bytes(0xC2, 0x80, 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xEF, 0xBF, 0xBF), suffix));
            assertThat(Codec.encodeError(new String(Character.toChars(0x10FFFF))))
                    .isEqualTo(concat(prefix, bytes(0xF4, 0x8F, 0xBF, 0xBF), suffix));
            // U+2028/U+2029 are raw in serde_json (they are valid JSON), unlike JavaScript-safe encoders.
            assertThat(Codec.encodeError("\u2028\u2029")).isEqualTo(concat(prefix, bytes(0xE2, 0x80, 0xA8, 0xE2, 0x80, 0xA9), suffix));
            // No escape produces upper-case hex or a \\u escape for non-ASCII.
            assertThat(errorWith("é日😀")).doesNotContain("\\u");
        }
    }

    // ------------------------------------------------------------------ decoding: accepted forms

    @Nested
    @DisplayName("decodes every form serde_json accepts")
    class DecodeAccepted {

        @Test
        void canonicalForms() throws Exception {
            assertThat(request("{\"Join\":{\"group_name\":\"dogs\"}}")).isEqualTo(new FromClient.Join("dogs"));
            assertThat(request("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"hello\"}}"))
                    .isEqualTo(new FromClient.Post("dogs", "hello"));
        }

        @Test
        void anyFieldOrder() throws Exception {
            assertThat(request("{\"Post\":{\"message\":\"hello\",\"group_name\":\"dogs\"}}"))
                    .isEqualTo(new FromClient.Post("dogs", "hello"));
        }

        @Test
        @DisplayName("unknown extra fields of any type are ignored")
        void unknownFieldsIgnored() throws Exception {
            assertThat(request("{\"Join\":{\"x\":1,\"group_name\":\"dogs\",\"y\":null}}")).isEqualTo(new FromClient.Join("dogs"));
            assertThat(request("{\"Post\":{\"meta\":{\"a\":[1,{\"b\":null}],\"c\":{}},\"group_name\":\"dogs\","
                    + "\"tags\":[\"x\",[],[[1.5e3]]],\"message\":\"hi\",\"n\":-12.5,\"t\":true,\"f\":false,\"z\":null}}"))
                    .isEqualTo(new FromClient.Post("dogs", "hi"));
            // A nested object that looks like a field must not be taken for one.
            assertThat(request("{\"Join\":{\"x\":{\"group_name\":5},\"group_name\":\"dogs\"}}"))
                    .isEqualTo(new FromClient.Join("dogs"));
            // An unknown field repeated, or an unknown string holding anything, is fine.
            assertThat(request("{\"Join\":{\"x\":1,\"x\":2,\"group_name\":\"dogs\",\"s\":\"\\ud800\"}}"))
                    .isEqualTo(new FromClient.Join("dogs"));
        }

        @Test
        @DisplayName("nesting well below the depth limit inside an unknown field")
        void moderateNesting() throws Exception {
            String deep = "[".repeat(50) + "]".repeat(50);
            assertThat(request("{\"Join\":{\"group_name\":\"dogs\",\"x\":" + deep + "}}")).isEqualTo(new FromClient.Join("dogs"));
        }

        @Test
        @DisplayName("white space around and inside the JSON")
        void whitespace() throws Exception {
            assertThat(request("  {\"Join\":{\"group_name\":\"dogs\"}}\t ")).isEqualTo(new FromClient.Join("dogs"));
            assertThat(request("\t{ \"Post\" :\t{ \"group_name\" : \"dogs\" ,\n \"message\" : \"a b\" } }  "))
                    .isEqualTo(new FromClient.Post("dogs", "a b"));
            assertThat(request("{\"Join\":{\"group_name\":\"dogs\"}}\r")).isEqualTo(new FromClient.Join("dogs"));
        }

        @Test
        @DisplayName("escaped input: \\u00e9, surrogate pairs, \\/, short escapes")
        void escapedInput() throws Exception {
            assertThat(request("{\"Join\":{\"group_name\":\"caf\\u00e9\"}}")).isEqualTo(new FromClient.Join("café"));
            assertThat(request("{\"Join\":{\"group_name\":\"caf\\u00E9\"}}")).isEqualTo(new FromClient.Join("café"));
            assertThat(request("{\"Post\":{\"group_name\":\"g\",\"message\":\"\\ud83d\\ude00\"}}"))
                    .isEqualTo(new FromClient.Post("g", "😀"));
            assertThat(request("{\"Post\":{\"group_name\":\"a\\/b\",\"message\":\"\\\"\\\\\\b\\f\\n\\r\\t\\u0000\"}}"))
                    .isEqualTo(new FromClient.Post("a/b", "\"\\\b\f\n\r\t\u0000"));
        }

        @Test
        @DisplayName("raw non-ASCII UTF-8")
        void rawUtf8() throws Exception {
            assertThat(request("{\"Post\":{\"group_name\":\"日本\",\"message\":\"héllo 😀\"}}"))
                    .isEqualTo(new FromClient.Post("日本", "héllo 😀"));
        }

        @Test
        @DisplayName("decodes only the given slice of the buffer")
        void slice() throws Exception {
            byte[] line = utf8("{\"Join\":{\"group_name\":\"dogs\"}}");
            byte[] buf = concat(bytes(0xFF, '{', '['), line, bytes(0xFF, ']', 0x80));
            assertThat(Codec.decodeRequest(buf, 3, line.length)).isEqualTo(new FromClient.Join("dogs"));
            byte[] r = utf8("{\"Error\":\"x\"}");
            byte[] rbuf = concat(bytes(0xC0), r, bytes(0xFF));
            assertThat(Codec.decodeReply(rbuf, 1, r.length)).isEqualTo(new FromServer.Error("x"));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "{\"Join\":{\"group_name\":\"dogs\"}}",
            "{\"Post\":{\"group_name\":\"dogs\",\"message\":\"hello\"}}",
            "{\"Post\":{\"group_name\":\"\\\"q\\\\\",\"message\":\"\\b\\t\\n\\f\\r\\u0000\\u001f\u007f/é日😀\"}}",
            "{\"Post\":{\"group_name\":\"\",\"message\":\"\"}}",
        })
        @DisplayName("round trip: encode(decode(x)) == x for canonical lines")
        void roundTripCanonical(String line) throws Exception {
            assertThat(asText(Codec.encode(request(line)))).isEqualTo(line + "\n");
        }

        @Test
        @DisplayName("round trip: non-canonical input re-encodes to the canonical form")
        void roundTripNormalises() throws Exception {
            assertThat(asText(Codec.encode(request(" { \"Post\" : { \"message\" : \"\\u00e9\\/\\u001F\", \"x\":[1], \"group_name\" : \"d\" } } "))))
                    .isEqualTo("{\"Post\":{\"group_name\":\"d\",\"message\":\"é/\\u001f\"}}\n");
        }
    }

    // ------------------------------------------------------------------ decoding: rejected forms

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                // invalid JSON
                Arguments.of("truncated", "{\"Join\":{\"group_name\":\"dogs\"", "invalid JSON at column"),
                Arguments.of("truncated string", "{\"Join\":{\"group_name\":\"do", "invalid JSON"),
                Arguments.of("garbage", "garbage", "invalid JSON at column"),
                Arguments.of("trailing comma in body", "{\"Join\":{\"group_name\":\"dogs\",}}", "invalid JSON at column 30"),
                Arguments.of("trailing comma in request", "{\"Join\":{\"group_name\":\"dogs\"},}", "invalid JSON at column"),
                Arguments.of("single quotes", "{'Join':{'group_name':'dogs'}}", "invalid JSON at column 2"),
                Arguments.of("raw newline in string", "{\"Join\":{\"group_name\":\"a\nb\"}}", "invalid JSON"),
                Arguments.of("raw control char in string", "{\"Join\":{\"group_name\":\"a\u0001b\"}}", "invalid JSON"),
                Arguments.of("bad escape", "{\"Join\":{\"group_name\":\"a\\x\"}}", "invalid JSON"),
                Arguments.of("short \\u escape", "{\"Join\":{\"group_name\":\"\\u12\"}}", "invalid JSON"),
                Arguments.of("extra close brace", "{\"Join\":{\"group_name\":\"dogs\"}}}", "invalid JSON"),
                // not an object
                Arguments.of("array", "[]", "expected a JSON object"),
                Arguments.of("string", "\"x\"", "expected a JSON object"),
                Arguments.of("number", "5", "expected a JSON object"),
                Arguments.of("null", "null", "expected a JSON object"),
                Arguments.of("true", "true", "expected a JSON object"),
                Arguments.of("empty line", "", "expected a JSON object"),
                Arguments.of("only spaces", "  \t ", "expected a JSON object"),
                Arguments.of("deep array at top level", "[".repeat(10_000), "expected a JSON object"),
                // shape
                Arguments.of("empty object", "{}", "empty request; expected one of Join, Post"),
                Arguments.of("unknown request", "{\"Nope\":{}}", "unknown request 'Nope'"),
                Arguments.of("a reply sent as a request", "{\"Message\":{\"group_name\":\"g\",\"message\":\"m\"}}", "unknown request 'Message'"),
                Arguments.of("lower-case variant", "{\"join\":{\"group_name\":\"g\"}}", "unknown request 'join'"),
                Arguments.of("body is a string", "{\"Join\":\"dogs\"}", "'Join' must be an object of its fields"),
                Arguments.of("body is an array", "{\"Post\":[\"dogs\",\"hi\"]}", "'Post' must be an object of its fields"),
                Arguments.of("body is null", "{\"Join\":null}", "'Join' must be an object"),
                Arguments.of("body is a deep array", "{\"Join\":" + "[".repeat(10_000), "'Join' must be an object"),
                Arguments.of("missing group_name", "{\"Join\":{}}", "missing field 'group_name' in Join"),
                Arguments.of("missing message", "{\"Post\":{\"group_name\":\"g\"}}", "missing field 'message' in Post"),
                Arguments.of("missing group_name in Post", "{\"Post\":{\"message\":\"m\"}}", "missing field 'group_name' in Post"),
                Arguments.of("group_name is a number", "{\"Join\":{\"group_name\":5}}", "field 'group_name' of Join must be a string"),
                Arguments.of("group_name is null", "{\"Join\":{\"group_name\":null}}", "field 'group_name' of Join must be a string"),
                Arguments.of("message is an object", "{\"Post\":{\"group_name\":\"g\",\"message\":{}}}", "field 'message' of Post must be a string"),
                Arguments.of("group_name is a deep array", "{\"Join\":{\"group_name\":" + "[".repeat(10_000), "field 'group_name' of Join must be a string"),
                Arguments.of("duplicate field", "{\"Join\":{\"group_name\":\"a\",\"group_name\":\"b\"}}", "duplicate field 'group_name' in Join"),
                Arguments.of("duplicate message", "{\"Post\":{\"message\":\"a\",\"group_name\":\"g\",\"message\":\"b\"}}", "duplicate field 'message' in Post"),
                Arguments.of("two keys", "{\"Join\":{\"group_name\":\"a\"},\"Post\":{\"group_name\":\"a\",\"message\":\"m\"}}", "has exactly one key"),
                Arguments.of("two keys, second unknown", "{\"Join\":{\"group_name\":\"a\"},\"x\":1}", "has exactly one key"),
                Arguments.of("trailing object", "{\"Join\":{\"group_name\":\"a\"}} {}", "unexpected data after the JSON object"),
                Arguments.of("trailing number", "{\"Join\":{\"group_name\":\"a\"}} 5", "unexpected data after the JSON object"),
                Arguments.of("trailing second packet", "{\"Join\":{\"group_name\":\"a\"}}{\"Join\":{\"group_name\":\"b\"}}", "unexpected data after the JSON object"),
                Arguments.of("trailing garbage", "{\"Join\":{\"group_name\":\"a\"}} x", "invalid JSON at column 30"),
                Arguments.of("trailing NUL", "{\"Join\":{\"group_name\":\"a\"}}\u0000", "invalid JSON"),
                // surrogates
                Arguments.of("unpaired high surrogate escape", "{\"Join\":{\"group_name\":\"\\ud800\"}}", "unpaired surrogate"),
                Arguments.of("unpaired low surrogate escape", "{\"Join\":{\"group_name\":\"\\udc00\"}}", "unpaired surrogate"),
                Arguments.of("reversed surrogate pair", "{\"Post\":{\"group_name\":\"g\",\"message\":\"\\ude00\\ud83d\"}}", "unpaired surrogate"),
                Arguments.of("high surrogate then text", "{\"Post\":{\"group_name\":\"g\",\"message\":\"x\\ud83dy\"}}", "unpaired surrogate"),
                Arguments.of("high surrogate at the end", "{\"Post\":{\"group_name\":\"g\",\"message\":\"x\\ud83d\"}}", "unpaired surrogate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    @DisplayName("rejects a malformed request with a ProtocolException naming the problem")
    void rejectsMalformedRequest(String label, String line, String expectedMessagePart) {
        assertThatThrownBy(() -> request(line))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining(expectedMessagePart);
    }

    static Stream<Arguments> invalidJsonInPlainWords() {
        return Stream.of(
                Arguments.of("{\"Join\":{\"group_name\":\"do", "invalid JSON at column 26: the line ends inside a string"),
                Arguments.of("{\"Join\":{\"group_name\":\"dogs\"", "invalid JSON at column 29: unexpected end of the line; expected '}'"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\",\"x\":[", "invalid JSON at column 32: unexpected end of the line; expected ']'"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\\", "invalid JSON at column 26: the line ends inside an escape sequence"),
                Arguments.of("{\"Join\":{\"group_name\":\"dogs\",}}", "invalid JSON at column 30: expected a field name in double quotes, found '}'"),
                Arguments.of("{'Join':{'group_name':'dogs'}}", "invalid JSON at column 2: expected a field name in double quotes, found '''"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\" \"x\":1}}", "invalid JSON at column 27: expected ',' or '}', found '\"'"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\",\"x\":[1 2]}}", "invalid JSON at column 34: expected ',' or ']', found '2'"),
                Arguments.of("{\"Join\" {}}", "invalid JSON at column 9: expected ':' after the field name, found '{'"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\",\"x\":[1,]}}", "invalid JSON at column 34: expected a value, found ']'"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\"]}", "invalid JSON at column 26: unexpected ']'; expected '}'"),
                Arguments.of("{\"Join\":{\"group_name\":\"dogs\"}}}", "invalid JSON at column 31: unexpected '}' with nothing open to close"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\nb\"}}",
                        "invalid JSON at column 25: control character (code 10) inside a string; it must be escaped, e.g. \\n or \\u0001"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\\x\"}}",
                        "invalid JSON at column 26: '\\x' is not an escape JSON has (a backslash is written \\\\)"),
                Arguments.of("{\"Join\":{\"group_name\":\"\\u12\"}}", "invalid JSON at column 28: a \\u escape needs four hex digits"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\",\"x\":01}}",
                        "invalid JSON at column 32: a number cannot start with 0 followed by more digits"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\",\"x\":1.}}",
                        "invalid JSON at column 33: malformed number: a digit must follow the decimal point"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\",\"x\":+1}}",
                        "invalid JSON at column 32: malformed number: JSON numbers have no '+' sign"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\",\"x\":/*c*/1}}", "invalid JSON at column 31: comments are not JSON, found '/'"),
                Arguments.of("{\"Join\":{\"", "invalid JSON at column 11: the line ends inside a string"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\",\"x\":1.5e", "invalid JSON at column 35: the line ends inside a number"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\",\"x\":[\"s\",1.5e", "invalid JSON at column 40: the line ends inside a number"),
                Arguments.of("{\"Join\":\u0001{\"group_name\":\"a\"}}", "invalid JSON at column 10: control character (code 1) "
                        + "between values; only spaces, tabs and line ends may be there"),
                Arguments.of("{\"Join\"\u007f:{}}", "invalid JSON at column 8: expected ':' after the field name, found control "
                        + "character (code 127)"),
                Arguments.of("{\"Join\":{\"group_name\":\"a\\\t\"}}", "invalid JSON at column 26: a backslash before control "
                        + "character (code 9) is not an escape JSON has (a backslash is written \\\\)"),
                Arguments.of("4{\"Join\":{}}", "invalid JSON at column 2: unexpected '{' after the value"),
                Arguments.of("join dogs", "invalid JSON at column 6: unexpected 'join'; expected a value: a string in double quotes, "
                        + "a number, true, false, null, an object or an array"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidJsonInPlainWords")
    @DisplayName("invalid JSON is described in plain words after its column")
    void invalidJsonInPlainWords(String line, String message) {
        assertThatThrownBy(() -> request(line)).isInstanceOf(ProtocolException.class).hasMessage(message);
    }

    @Test
    @DisplayName("no invalid-JSON error repeats the parser's own wording (its classes, features or source location)")
    void noParserWording() {
        Stream<String> lines = Stream.concat(
                Stream.concat(malformedRequests().map(a -> (String) a.get()[1]),
                        invalidJsonInPlainWords().map(a -> (String) a.get()[0])),
                Stream.of("{", "{\"Jo", "{\"Join\":", "{\"Join\":{\"group_name\":\"a\",\"x\":NaN}}",
                        "{\"Join\":{\"group_name\":\"a\",\"x\":[1}}}", "{\"Join\":{\"group_name\":\"a\",\"x\":1e}}",
                        "{\"Join\":{\"group_name\":\"a\",\"x\":-}}", "{\"Join\":{\"group_name\":\"a\",\"x\":12",
                        "{\"Join\":{\"group_name\":\"a\",\"x\":" + "[".repeat(70) + "]".repeat(70) + "}}",
                        "{\"Join\":{\"group_name\":\"a\",\"x\":" + "1".repeat(1001) + "}}",
                        "{\"Join\":{\"group_name\":\"a\",\"" + "k".repeat(50_001) + "\":1}}"));
        lines.forEach(line -> {
            String message;
            try {
                request(line);
                return;
            } catch (ProtocolException e) {
                message = e.getMessage();
            }
            assertThat(message).as(line.length() > 80 ? line.substring(0, 80) : line)
                    .doesNotContain("Source").doesNotContain("REDACTED").doesNotContain("Feature")
                    .doesNotContain("StreamRead").doesNotContain("Constraints").doesNotContain("end-of-input")
                    .doesNotContain("VALUE_STRING").doesNotContain("CTRL-CHAR").doesNotContain("' (code")
                    .doesNotContain("line: 1").doesNotContain("jackson").doesNotContain("Exception")
                    .doesNotContain("\n");
        });
    }

    static Stream<Arguments> invalidUtf8() {
        byte[] open = utf8("{\"Join\":{\"group_name\":\"");
        int at = open.length + 1; // 1-based position of the first byte after the prefix
        byte[] close = utf8("\"}}");
        return Stream.of(
                Arguments.of("lone 0xFF", concat(open, bytes(0xFF), close), at),
                Arguments.of("lone continuation byte 0x80", concat(open, bytes(0x80), close), at),
                Arguments.of("truncated 3-byte sequence", concat(open, bytes(0xE6, 0x97), close), at),
                Arguments.of("truncated sequence at end of line", concat(open, bytes(0xE6, 0x97)), at),
                Arguments.of("truncated 4-byte sequence", concat(open, bytes(0xF0, 0x9F, 0x98), close), at),
                Arguments.of("overlong NUL C0 80", concat(open, bytes(0xC0, 0x80), close), at),
                Arguments.of("overlong C1 BF", concat(open, bytes(0xC1, 0xBF), close), at),
                Arguments.of("overlong 3-byte E0 80 80", concat(open, bytes(0xE0, 0x80, 0x80), close), at),
                Arguments.of("overlong 4-byte F0 80 80 80", concat(open, bytes(0xF0, 0x80, 0x80, 0x80), close), at),
                Arguments.of("encoded surrogate ED A0 80", concat(open, bytes(0xED, 0xA0, 0x80), close), at),
                Arguments.of("encoded low surrogate ED BF BF", concat(open, bytes(0xED, 0xBF, 0xBF), close), at),
                Arguments.of("above U+10FFFF F4 90 80 80", concat(open, bytes(0xF4, 0x90, 0x80, 0x80), close), at),
                Arguments.of("F5 lead byte", concat(open, bytes(0xF5, 0x80, 0x80, 0x80), close), at),
                Arguments.of("after valid multi-byte text", concat(open, utf8("é日😀"), bytes(0xFF), close), at + 2 + 3 + 4),
                Arguments.of("outside any string", concat(bytes(0xFF), utf8("{\"Join\":{\"group_name\":\"a\"}}")), 1),
                Arguments.of("in a field name", concat(utf8("{\"Jo"), bytes(0xFF), utf8("in\":{\"group_name\":\"a\"}}")), 5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    @DisplayName("rejects invalid UTF-8 naming the 1-based byte position")
    void rejectsInvalidUtf8(String label, byte[] line, int position) {
        assertThatThrownBy(() -> request(line))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("invalid UTF-8 at byte " + position);
    }

    @Test
    @DisplayName("invalid UTF-8 position is counted from the start of the slice")
    void invalidUtf8PositionInSlice() {
        byte[] buf = concat(utf8("prefix"), utf8("{\"Join\":{\"group_name\":\""), bytes(0xFF), utf8("\"}}"));
        assertThatThrownBy(() -> Codec.decodeRequest(buf, 6, buf.length - 6))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("invalid UTF-8 at byte 24");
    }

    @Test
    @DisplayName("an invalid line whose valid prefix decodes fine is still rejected")
    void invalidUtf8AfterCompleteObject() {
        byte[] line = concat(utf8("{\"Join\":{\"group_name\":\"a\"}}"), bytes(0xFF));
        assertThatThrownBy(() -> request(line)).isInstanceOf(ProtocolException.class).hasMessage("invalid UTF-8 at byte 28");
    }

    @Test
    @DisplayName("only UTF-8 is accepted: UTF-16/UTF-32 encoded JSON and a byte-order mark are rejected")
    void onlyUtf8() {
        String join = "{\"Join\":{\"group_name\":\"dogs\"}}";
        // Each of these passes the UTF-8 check (no byte >= 0x80 except the BOM, which is valid UTF-8),
        // but NUL and U+FEFF are not JSON white space: serde_json answers "expected value".
        assertThatThrownBy(() -> request(join.getBytes(java.nio.charset.StandardCharsets.UTF_16BE)))
                .as("UTF-16BE").isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> request(join.getBytes(java.nio.charset.StandardCharsets.UTF_16LE)))
                .as("UTF-16LE").isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> request(join.getBytes(java.nio.charset.Charset.forName("UTF-32BE"))))
                .as("UTF-32BE").isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> request(join.getBytes(java.nio.charset.Charset.forName("UTF-32LE"))))
                .as("UTF-32LE").isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> request("\uFEFF" + join)).as("UTF-8 BOM").isInstanceOf(ProtocolException.class);
    }

    @Test
    @DisplayName("NUL bytes around an otherwise valid request are rejected")
    void nulBytesRejected() {
        assertThatThrownBy(() -> request("{\"Join\":{\"group_name\":\"dogs\"}}\u0000"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("invalid JSON");
        assertThatThrownBy(() -> request("{\"Join\":\u0000{\"group_name\":\"dogs\"}}"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("invalid JSON");
    }

    // ------------------------------------------------------------------ resource limits inside unknown fields

    @Test
    @DisplayName("an unknown field nested 10000 deep is a ProtocolException, not a crash")
    void deeplyNestedUnknownField() {
        String deepArrays = "{\"Join\":{\"group_name\":\"dogs\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}}";
        assertThatThrownBy(() -> request(deepArrays)).isInstanceOf(ProtocolException.class);
        String unclosed = "{\"Join\":{\"group_name\":\"dogs\",\"x\":" + "[".repeat(10_000);
        assertThatThrownBy(() -> request(unclosed)).isInstanceOf(ProtocolException.class);
        String deepObjects = "{\"Post\":{\"group_name\":\"g\",\"message\":\"m\",\"x\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}}";
        assertThatThrownBy(() -> request(deepObjects)).isInstanceOf(ProtocolException.class);
        // Just past the configured depth (64): 2 levels of packet + 63 arrays.
        String justPast = "{\"Join\":{\"group_name\":\"dogs\",\"x\":" + "[".repeat(63) + "]".repeat(63) + "}}";
        assertThatThrownBy(() -> request(justPast)).isInstanceOf(ProtocolException.class);
    }

    @Test
    @DisplayName("over-long numbers and names are a ProtocolException, not a crash")
    void overlongTokens() {
        assertThatThrownBy(() -> request("{\"Join\":{\"group_name\":\"g\",\"x\":" + "1".repeat(2_000) + "}}"))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> request("{\"Join\":{\"group_name\":\"g\",\"" + "k".repeat(60_000) + "\":1}}"))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    @DisplayName("a deeply nested unknown field in a reply is a ProtocolException")
    void deeplyNestedReply() {
        String line = "{\"Message\":{\"group_name\":\"g\",\"message\":\"m\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}}";
        assertThatThrownBy(() -> reply(line)).isInstanceOf(ProtocolException.class);
    }

    // ------------------------------------------------------------------ decodeReply

    @Nested
    @DisplayName("decodeReply")
    class DecodeReply {

        @Test
        void message() throws Exception {
            assertThat(reply("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hello\"}}"))
                    .isEqualTo(new FromServer.Message("dogs", "hello"));
        }

        @Test
        void error() throws Exception {
            assertThat(reply("{\"Error\":\"Group 'cats' does not exist\"}"))
                    .isEqualTo(new FromServer.Error("Group 'cats' does not exist"));
        }

        @Test
        @DisplayName("extension fields (from, seq) are read, unknown ones ignored, in any order")
        void unknownFieldsIgnored() throws Exception {
            assertThat(reply("{\"Message\":{\"from\":\"alice\",\"message\":\"hello\",\"seq\":42,\"group_name\":\"dogs\",\"meta\":{\"a\":[null]}}}"))
                    .isEqualTo(new FromServer.Message("dogs", "hello", "alice", 42));
        }

        @Test
        @DisplayName("white space and escapes")
        void whitespaceAndEscapes() throws Exception {
            assertThat(reply(" { \"Error\" : \"caf\\u00e9 \\ud83d\\ude00 \\/\" } "))
                    .isEqualTo(new FromServer.Error("café 😀 /"));
        }

        @Test
        @DisplayName("round trip of every reply the server sends")
        void roundTrip() throws Exception {
            for (FromServer p : new FromServer[] {
                    new FromServer.Message("dogs", "hello"),
                    new FromServer.Error("Dropped 260 messages from dogs."),
                    new FromServer.Message("\"\\\u0000\u001f\u007f", "é日😀\n\r\t"),
            }) {
                byte[] line = Codec.encode(p);
                assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
                assertThat(Codec.decodeReply(line, 0, line.length - 1)).isEqualTo(p);
            }
        }

        static Stream<Arguments> malformedReplies() {
            return Stream.of(
                    Arguments.of("{\"Error\":5}", "'Error' must be a string"),
                    Arguments.of("{\"Error\":{\"text\":\"x\"}}", "'Error' must be a string"),
                    Arguments.of("{\"Error\":null}", "'Error' must be a string"),
                    Arguments.of("{\"Message\":\"x\"}", "'Message' must be an object of its fields"),
                    Arguments.of("{\"Message\":{\"group_name\":\"d\"}}", "missing field 'message' in Message"),
                    Arguments.of("{\"Message\":{\"message\":\"m\"}}", "missing field 'group_name' in Message"),
                    Arguments.of("{\"Message\":{\"group_name\":1,\"message\":\"m\"}}", "field 'group_name' of Message must be a string"),
                    Arguments.of("{\"Message\":{\"group_name\":\"a\",\"group_name\":\"b\",\"message\":\"m\"}}", "duplicate field 'group_name' in Message"),
                    Arguments.of("{\"Nope\":1}", "unknown reply 'Nope'"),
                    Arguments.of("{\"Join\":{\"group_name\":\"g\"}}", "unknown reply 'Join'"),
                    Arguments.of("{}", "empty"),
                    Arguments.of("[]", "expected a JSON object"),
                    Arguments.of("", "expected a JSON object"),
                    Arguments.of("{\"Error\":\"a\",\"Error\":\"b\"}", "exactly one key"),
                    Arguments.of("{\"Error\":\"a\"} {}", "unexpected data after the JSON object"),
                    Arguments.of("{\"Error\":\"a\"", "invalid JSON"),
                    Arguments.of("{\"Error\":\"\\udc00\"}", "unpaired surrogate"));
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @MethodSource("malformedReplies")
        void rejectsMalformedReply(String line, String expectedMessagePart) {
            assertThatThrownBy(() -> reply(line))
                    .isInstanceOf(ProtocolException.class)
                    .hasMessageContaining(expectedMessagePart);
        }

        @Test
        void rejectsInvalidUtf8() {
            byte[] line = concat(utf8("{\"Error\":\""), bytes(0xED, 0xA0, 0x80), utf8("\"}"));
            assertThatThrownBy(() -> Codec.decodeReply(line, 0, line.length))
                    .isInstanceOf(ProtocolException.class)
                    .hasMessage("invalid UTF-8 at byte 11");
        }
    }

    // ------------------------------------------------------------------ property-style

    private static String randomText(Random rnd) {
        int n = rnd.nextInt(40);
        StringBuilder sb = new StringBuilder(n * 2);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(8)) {
                case 0 -> sb.append((char) (0x20 + rnd.nextInt(0x5F)));                 // printable ASCII
                case 1 -> sb.append((char) rnd.nextInt(0x20));                          // control
                case 2 -> sb.append('"');
                case 3 -> sb.append('\\');
                case 4 -> sb.append((char) 0x7F);
                case 5 -> {                                                              // BMP, no surrogates
                    int cp;
                    do cp = 0x80 + rnd.nextInt(0x10000 - 0x80); while (cp >= 0xD800 && cp <= 0xDFFF);
                    sb.append((char) cp);
                }
                case 6 -> sb.appendCodePoint(0x10000 + rnd.nextInt(0x110000 - 0x10000)); // supplementary
                default -> sb.append(" /é日😀".charAt(rnd.nextInt(4)));
            }
        }
        return sb.toString();
    }

    @Test
    @DisplayName("2000 random strings: decode(encode(p)) == p, bytes match the reference escaper, no raw control bytes")
    void randomRoundTrips() throws Exception {
        Random rnd = new Random(20_240_611L);
        for (int i = 0; i < 2_000; i++) {
            String group = randomText(rnd);
            String message = randomText(rnd);
            FromClient.Post post = new FromClient.Post(group, message);
            byte[] encoded = Codec.encode(post);
            String where = "case " + i + ": " + HexFormat.of().formatHex(utf8(group)) + " / " + HexFormat.of().formatHex(utf8(message));

            assertThat(encoded).as(where).isEqualTo(
                    utf8("{\"Post\":{\"group_name\":" + serdeQuote(group) + ",\"message\":" + serdeQuote(message) + "}}\n"));
            assertThat(encoded[encoded.length - 1]).as(where).isEqualTo((byte) '\n');
            for (int k = 0; k < encoded.length - 1; k++) {
                assertThat(encoded[k] & 0xFF).as(where + " byte " + k).isGreaterThanOrEqualTo(0x20);
            }
            assertThat(Codec.decodeRequest(encoded, 0, encoded.length - 1)).as(where).isEqualTo(post);
            // The newline is white space to the decoder too.
            assertThat(Codec.decodeRequest(encoded, 0, encoded.length)).as(where).isEqualTo(post);

            FromServer.Message m = new FromServer.Message(group, message);
            byte[] reply = Codec.encode(m);
            assertThat(reply).as(where).isEqualTo(Codec.encodeMessage(group, message));
            assertThat(Codec.decodeReply(reply, 0, reply.length - 1)).as(where).isEqualTo(m);
            FromServer.Error e = new FromServer.Error(message);
            byte[] err = Codec.encode(e);
            assertThat(Codec.decodeReply(err, 0, err.length - 1)).as(where).isEqualTo(e);
        }
    }

    // ------------------------------------------------------------------ pages of List and Members

    @Nested
    @DisplayName("List and Members pages (limit, after) and the Listed summary")
    class Pages {

        @Test
        @DisplayName("List and Members without page fields decode as before and encode as before")
        void unpaged() throws Exception {
            assertThat(request("{\"List\":{}}")).isEqualTo(new FromClient.ListGroups());
            assertThat(asText(Codec.encode(new FromClient.ListGroups()))).isEqualTo("{\"List\":{}}\n");
            assertThat(request("{\"Members\":{\"group_name\":\"dogs\"}}")).isEqualTo(new FromClient.Members("dogs"));
            assertThat(asText(Codec.encode(new FromClient.Members("dogs")))).isEqualTo("{\"Members\":{\"group_name\":\"dogs\"}}\n");
            assertThat(((FromClient.ListGroups) request("{\"List\":{}}")).paged()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "{\"List\":{\"limit\":100,\"after\":\"dogs\"}}",
            "{\"List\":{\"limit\":1}}",
            "{\"List\":{\"after\":\"\"}}",
            "{\"Members\":{\"group_name\":\"dogs\",\"limit\":100,\"after\":\"alice\"}}",
            "{\"Members\":{\"group_name\":\"dogs\",\"after\":\"alice\"}}",
        })
        @DisplayName("round trip of paged requests")
        void roundTrip(String line) throws Exception {
            assertThat(asText(Codec.encode(request(line)))).isEqualTo(line + "\n");
        }

        @Test
        void fieldsDecoded() throws Exception {
            assertThat(request("{\"List\":{\"after\":\"dogs\",\"limit\":7}}")).isEqualTo(new FromClient.ListGroups(7, "dogs"));
            assertThat(request("{\"Members\":{\"limit\":3,\"group_name\":\"g\"}}")).isEqualTo(new FromClient.Members("g", 3, null));
        }

        static Stream<Arguments> badPages() {
            return Stream.of(
                    Arguments.of("{\"List\":{\"limit\":0}}", "field 'limit' of List must be a whole number from 1 to"),
                    Arguments.of("{\"List\":{\"limit\":-1}}", "field 'limit' of List must be a whole number from 0 to"),
                    Arguments.of("{\"List\":{\"limit\":\"5\"}}", "field 'limit' of List must be a whole number"),
                    Arguments.of("{\"List\":{\"limit\":1.5}}", "field 'limit' of List must be a whole number"),
                    Arguments.of("{\"List\":{\"after\":5}}", "field 'after' of List must be a string"),
                    Arguments.of("{\"List\":{\"after\":null}}", "field 'after' of List must be a string"),
                    Arguments.of("{\"Members\":{\"group_name\":\"g\",\"limit\":0}}", "field 'limit' of Members must be a whole number from 1 to"),
                    Arguments.of("{\"Members\":{\"group_name\":\"g\",\"after\":[]}}", "field 'after' of Members must be a string"),
                    Arguments.of("{\"Members\":{\"limit\":5}}", "missing field 'group_name' in Members"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("badPages")
        @DisplayName("bad page values get an Error naming the field")
        void rejectsBadPages(String line, String message) {
            assertThatThrownBy(() -> request(line)).isInstanceOf(ProtocolException.class).hasMessageContaining(message);
        }

        @Test
        @DisplayName("Listed: its exact bytes, and a round trip")
        void listed() throws Exception {
            assertThat(asText(Codec.encode(new FromServer.Listed(null, 100, true))))
                    .isEqualTo("{\"Listed\":{\"count\":100,\"more\":true}}\n");
            assertThat(asText(Codec.encode(new FromServer.Listed("dogs", 2, false))))
                    .isEqualTo("{\"Listed\":{\"group_name\":\"dogs\",\"count\":2,\"more\":false}}\n");
            for (FromServer p : new FromServer[] {new FromServer.Listed(null, 0, false), new FromServer.Listed("é\"", 9, true)}) {
                byte[] line = Codec.encode(p);
                assertThat(Codec.decodeReply(line, 0, line.length - 1)).isEqualTo(p);
            }
            assertThatThrownBy(() -> reply("{\"Listed\":{\"count\":1,\"more\":1}}"))
                    .isInstanceOf(ProtocolException.class).hasMessageContaining("field 'more' of Listed must be true or false");
        }
    }
}
