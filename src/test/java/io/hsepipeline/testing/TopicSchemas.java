package io.hsepipeline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** The published JSON Schemas in schemas/, applied to records read back from Kafka. */
public final class TopicSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TopicSchemas() {
    }

    /** The violations of a topic's schema by a record value; empty when it fits. */
    public static Set<ValidationMessage> violations(String topic, String value) {
        try {
            JsonNode schemaNode = JSON.readTree(Files.readString(Path.of("schemas", topic + ".schema.json")));
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaNode, config);
            return schema.validate(JSON.readTree(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
