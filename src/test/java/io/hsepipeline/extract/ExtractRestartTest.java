package io.hsepipeline.extract;

import static io.hsepipeline.testing.TestKafka.records;
import static io.hsepipeline.testing.TestPdfs.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.testing.TestKafka;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/**
 * The application stopped in the middle of the Extract stage and started again on the same share, broker and
 * Hypatos: the document is extracted once, from one upload and one Hypatos document.
 */
class ExtractRestartTest {

    private static final TestShare SHARE = TestShare.temporary("extract-restart-share");
    // long enough that the first run stops while Hypatos still processes
    private static final HypatosSandbox HYPATOS = new HypatosSandbox(Duration.ofSeconds(4));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @AfterAll
    static void stopSandbox() {
        HYPATOS.close();
    }

    @Test
    void restartWhileHypatosProcessesResumesPollingWithoutASecondUploadOrDocument() {
        ReceivedDocument received = receivedAsIntakeLeavesIt("restart");

        try (ConfigurableApplicationContext first = start()) {
            await().atMost(WAIT).until(() -> extractJournal(received.documentId()).has("hypatosDocumentId"));
        }
        assertThat(records(SHARE.topic("hse.documents.extracted"), received.documentId())).isEmpty();
        try (ConfigurableApplicationContext second = start()) {
            await().atMost(WAIT).until(() -> records(SHARE.topic("hse.documents.extracted"), received.documentId()).size() == 1);
        }

        assertThat(HYPATOS.filesNamed(received.fileName())).hasSize(1);
        assertThat(HYPATOS.documentsFor(received.documentId())).hasSize(1);
        assertThat(records(SHARE.topic("hse.documents.extracted"), received.documentId())).hasSize(1);
    }

    @Test
    void killBetweenProcessFileAndItsJournalEntryFindsTheDocumentInsteadOfMakingAnother() throws IOException {
        ReceivedDocument received = receivedAsIntakeLeavesIt("killed");
        byte[] pdf = Files.readAllBytes(SHARE.folder("processing").resolve(received.documentId() + ".pdf"));
        // what the killed run did: uploaded and journaled, then process-file answered but the kill came first
        String fileId = HYPATOS.uploadAndProcess(received.fileName(), pdf, received.documentId());
        Files.writeString(journal(received.documentId()).resolve("extract.json"),
                JSON.writeValueAsString(Map.of("fileId", fileId, "phase", "UPLOADED")));

        try (ConfigurableApplicationContext restarted = start()) {
            await().atMost(WAIT).until(() -> records(SHARE.topic("hse.documents.extracted"), received.documentId()).size() == 1);
        }

        assertThat(HYPATOS.filesNamed(received.fileName())).hasSize(1);
        List<JsonNode> documents = HYPATOS.documentsFor(received.documentId());
        assertThat(documents).hasSize(1);
        assertThat(documents.get(0).get("fileId").asText()).isEqualTo(fileId);
    }

    /** The PDF in processing/, the journal's received entry and the record on the received topic. */
    private static ReceivedDocument receivedAsIntakeLeavesIt(String stem) {
        byte[] pdf = TestPdfs.withText("Product name: Restarted", "Test copy " + UUID.randomUUID());
        String id = sha256(pdf);
        ReceivedDocument received = new ReceivedDocument(id, TestShare.uniqueName(stem), "inbox", pdf.length, id,
                Instant.now().toString(), List.of());
        try {
            Files.write(Files.createDirectories(SHARE.folder("processing")).resolve(id + ".pdf"), pdf);
            Files.writeString(Files.createDirectories(journal(id)).resolve("received.json"),
                    JSON.writeValueAsString(received));
            TestKafka.send(SHARE.receivedTopic(), id, JSON.writeValueAsString(received));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return received;
    }

    private static ConfigurableApplicationContext start() {
        Map<String, Object> settings = new LinkedHashMap<>();
        SHARE.register((name, value) -> settings.put(name, value.get()));
        HYPATOS.register((name, value) -> settings.put(name, value.get()));
        settings.put("hse.extract.poll-tick-millis", "100");
        settings.put("hse.extract.poll-first-millis", "200");
        settings.put("hse.extract.poll-max-millis", "500");
        List<String> args = new ArrayList<>();
        settings.forEach((name, value) -> args.add("--" + name + "=" + value));
        return new SpringApplicationBuilder(HsePipelineApplication.class).run(args.toArray(String[]::new));
    }

    private static JsonNode extractJournal(String id) throws IOException {
        Path file = journal(id).resolve("extract.json");
        return Files.exists(file) ? JSON.readTree(file.toFile()) : JSON.createObjectNode();
    }

    private static Path journal(String id) {
        return SHARE.root().resolve(".hse").resolve(id);
    }
}
