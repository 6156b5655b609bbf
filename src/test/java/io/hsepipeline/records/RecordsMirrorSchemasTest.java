package io.hsepipeline.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Each topic's record class has exactly the fields its schema in schemas/ declares, and every schema has its class. */
class RecordsMirrorSchemasTest {

    private static final Map<String, Class<? extends Record>> CLASSES = Map.of(
            "hse.documents.received", ReceivedDocument.class,
            "hse.documents.extracted", ExtractedDocument.class,
            "hse.documents.uploaded", UploadedDocument.class,
            "hse.records.validated", ValidatedRecord.class,
            "hse.documents.status", StatusRecord.class);

    @Test
    void everySchemaHasARecordClassWithItsFields() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("schemas"))) {
            Set<String> topics = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".schema.json"))
                    .map(name -> name.substring(0, name.length() - ".schema.json".length()))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(topics).isEqualTo(new TreeSet<>(CLASSES.keySet()));
        }
        for (var entry : CLASSES.entrySet()) {
            JsonNode schema = new ObjectMapper().readTree(Path.of("schemas", entry.getKey() + ".schema.json").toFile());
            Set<String> declared = new TreeSet<>();
            schema.get("properties").fieldNames().forEachRemaining(declared::add);
            Set<String> fields = Arrays.stream(entry.getValue().getRecordComponents())
                    .map(component -> component.getName())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(fields).as("fields of %s against schemas/%s.schema.json", entry.getValue().getSimpleName(),
                    entry.getKey()).isEqualTo(declared);
        }
    }
}
