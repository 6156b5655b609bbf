package io.hsepipeline.sandbox.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The one Jackson mapper the sandbox reads and writes JSON with. */
public final class SandboxJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SandboxJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Parses a request body; a body that is not JSON is the client's error. */
    public static JsonNode read(byte[] body) {
        try {
            return body.length == 0 ? MAPPER.missingNode() : MAPPER.readTree(body);
        } catch (IOException e) {
            throw new BadRequestException("request body is not valid JSON: " + e.getMessage());
        }
    }

    public static JsonNode resource(String classpathLocation) {
        try (var in = SandboxJson.class.getResourceAsStream(classpathLocation)) {
            if (in == null) {
                throw new IllegalStateException("missing sandbox resource " + classpathLocation);
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
