package io.patchbay.contracts.patch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A unified diff as the bytes it was submitted as: a diff to a Latin-1 or otherwise non-UTF-8 file
 * must reach the applier unchanged. In JSON it is a plain string when the bytes are UTF-8 (so
 * envelopes and content ids read as before) and {@code {"base64": "..."}} otherwise.
 */
@JsonSerialize(using = Diff.Writer.class)
@JsonDeserialize(using = Diff.Reader.class)
public record Diff(byte[] bytes) {

    public Diff {
        bytes = bytes.clone();
    }

    /** The diff of a text, or null for null. */
    public static Diff of(String text) {
        return text == null ? null : new Diff(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The diff of some bytes, or null for null. */
    public static Diff of(byte[] bytes) {
        return bytes == null ? null : new Diff(bytes);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** The text when the bytes are UTF-8, else null. */
    public String utf8OrNull() {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The text for people: UTF-8, with any byte that is not shown as the replacement character. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether the diff holds nothing but blanks. */
    public boolean isBlank() {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x0b) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Diff d && Arrays.equals(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Diff[" + bytes.length + " bytes]";
    }

    static final class Writer extends JsonSerializer<Diff> {
        @Override
        public void serialize(Diff diff, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            String text = diff.utf8OrNull();
            if (text != null) {
                gen.writeString(text);
            } else {
                gen.writeStartObject();
                gen.writeStringField("base64", Base64.getEncoder().encodeToString(diff.bytes));
                gen.writeEndObject();
            }
        }
    }

    static final class Reader extends JsonDeserializer<Diff> {
        @Override
        public Diff deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return Diff.of(p.getText());
            }
            JsonNode node = p.readValueAsTree();
            JsonNode b64 = node == null ? null : node.get("base64");
            if (b64 == null || !b64.isTextual() || node.size() != 1) {
                return (Diff) ctxt.handleUnexpectedToken(Diff.class, p);
            }
            try {
                return new Diff(Base64.getDecoder().decode(b64.asText()));
            } catch (IllegalArgumentException e) {
                throw ctxt.weirdStringException(b64.asText(), Diff.class, "the diff's base64 is not valid base64");
            }
        }
    }
}
