package io.hsepipeline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;

import org.springframework.test.context.DynamicPropertyRegistry;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A share folder and topic names of one test class's own, wired into the application under test, and
 * the way a share client drops a file: written elsewhere, then moved in.
 */
public final class TestShare {

    private final Path root;
    private final String topicSuffix;

    public TestShare(Path root) {
        this.root = root;
        this.topicSuffix = "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A share in a new temporary folder named after the test, e.g. temporary("intake-test-share"). */
    public static TestShare temporary(String name) {
        try {
            return new TestShare(Files.createTempDirectory(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void register(DynamicPropertyRegistry registry) {
        registry.add("hse.share-dir", root::toString);
        // Quartz names its scheduler after the CamelContext: two test contexts alive at once must not share one
        registry.add("camel.main.name", () -> "hse-pipeline-" + topicSuffix.substring(1));
        registry.add("hse.kafka.bootstrap-servers", TestKafka::bootstrapServers);
        registry.add("hse.topics.received", this::receivedTopic);
        registry.add("hse.topics.status", this::statusTopic);
        registry.add("hse.topics.ledger", () -> "hse.intake.ledger" + topicSuffix);
        registry.add("hse.topics.extracted", () -> topic("hse.documents.extracted"));
        registry.add("hse.topics.uploaded", () -> topic("hse.documents.uploaded"));
        registry.add("hse.topics.validated", () -> topic("hse.records.validated"));
        registry.add("hse.topics.dead-letter-prefix", () -> "hse" + topicSuffix + ".dlt.");
        registry.add("hse.intake.settle-millis", () -> "1000");
        registry.add("hse.intake.poll-millis", () -> "200");
        // an empty file or a PDF without %%EOF is judged after this long unchanged (a writer may still be at it)
        registry.add("hse.intake.unfinished-wait-millis", () -> "5000");
        registry.add("server.port", () -> "0");
        registry.add("management.server.port", () -> "0");
    }

    /** This test class's own name for a topic, e.g. topic("hse.records.validated"). */
    public String topic(String name) {
        return name + topicSuffix;
    }

    public String deadLetterTopic(String stage) {
        return "hse" + topicSuffix + ".dlt." + stage;
    }

    public String receivedTopic() {
        return topic("hse.documents.received");
    }

    public String statusTopic() {
        return topic("hse.documents.status");
    }

    /** The states on this share's status topic for a document, in the order they were sent. */
    public List<String> states(String documentId) {
        ObjectMapper json = new ObjectMapper();
        return TestKafka.records(statusTopic(), documentId).stream().map(status -> {
            try {
                return json.readTree(status.value()).path("state").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    public Path root() {
        return root;
    }

    public Path folder(String name) {
        return root.resolve(name);
    }

    /** Writes the bytes beside the share and moves them into the folder, as a share client does. */
    public Path drop(String folder, String fileName, byte[] bytes) {
        try {
            Path staging = Files.createDirectories(root.resolveSibling(root.getFileName() + "-staging"));
            Path written = Files.write(staging.resolve(fileName), bytes);
            Path target = Files.createDirectories(folder(folder)).resolve(fileName);
            return Files.move(written, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String uniqueName(String stem) {
        return stem + "-" + UUID.randomUUID().toString().substring(0, 8) + ".pdf";
    }
}
