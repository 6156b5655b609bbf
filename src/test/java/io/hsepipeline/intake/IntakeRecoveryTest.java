package io.hsepipeline.intake;

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
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.testing.TestKafka;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;
import io.hsepipeline.records.ReceivedDocument;

/**
 * The application starts on a share that a kill left behind: one document moved to processing/ before
 * anything reached Kafka, one whose received record Kafka had acknowledged just before the kill.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
class IntakeRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestShare SHARE = TestShare.temporary("intake-recovery-share");
    private static final byte[] KILLED_BEFORE_PUBLISH = TestPdfs.withText("Killed before publish " + UUID.randomUUID());
    private static final byte[] KILLED_AFTER_ACK = TestPdfs.withText("Killed after the ack " + UUID.randomUUID());
    private static final ReceivedDocument BEFORE_PUBLISH = leftInProcessing(KILLED_BEFORE_PUBLISH, "sds-1.pdf");
    private static final ReceivedDocument AFTER_ACK = leftInProcessing(KILLED_AFTER_ACK, "sds-2.pdf");

    static {
        try {
            TestKafka.send(SHARE.receivedTopic(), AFTER_ACK.documentId(), JSON.writeValueAsString(AFTER_ACK));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        // recovery runs again every second: a second publication would show within the test
        registry.add("hse.intake.recovery-interval", () -> "1000");
    }

    @Test
    void documentsLeftInProcessingByAKillArePublishedExactlyOnce() {
        Path processing = SHARE.folder("processing");
        // published: both records' once-only keys are in the document's journal
        await().atMost(Duration.ofSeconds(30)).until(() -> Stream.of(BEFORE_PUBLISH, AFTER_ACK).allMatch(doc ->
                Files.exists(journal(doc.documentId()).resolve("done-received-status.json"))
                        && Files.exists(journal(doc.documentId()).resolve("done-received-record.json"))));

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                List.of(BEFORE_PUBLISH, AFTER_ACK).stream().allMatch(doc ->
                        records(SHARE.receivedTopic(), doc.documentId()).size() == 1
                                && records(SHARE.statusTopic(), doc.documentId()).size() == 1));
        assertThat(records(SHARE.receivedTopic(), BEFORE_PUBLISH.documentId()).get(0).value())
                .contains("\"fileName\":\"sds-1.pdf\"");
        assertThat(processing.resolve(BEFORE_PUBLISH.documentId() + ".pdf")).hasBinaryContent(KILLED_BEFORE_PUBLISH);
    }

    @Test
    void aRecoveredDocumentDroppedAgainIsADuplicate() {
        String again = TestShare.uniqueName("sds-1-again");

        SHARE.drop("inbox", again, KILLED_BEFORE_PUBLISH);

        await().atMost(Duration.ofSeconds(30)).until(() ->
                Files.exists(SHARE.folder("duplicate").resolve(again + ".duplicate.json")));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                records(SHARE.receivedTopic(), BEFORE_PUBLISH.documentId()).size() == 1);
        assertThat(SHARE.folder("duplicate").resolve(again)).hasBinaryContent(KILLED_BEFORE_PUBLISH);
    }

    /** What a kill after the move leaves: the PDF in processing/, its received record in the journal, no marker. */
    private static ReceivedDocument leftInProcessing(byte[] pdf, String fileName) {
        String id = sha256(pdf);
        ReceivedDocument document = new ReceivedDocument(id, fileName, "inbox", pdf.length, id,
                Instant.now().toString(), List.of());
        try {
            Path processing = Files.createDirectories(SHARE.folder("processing"));
            Files.write(processing.resolve(id + ".pdf"), pdf);
            JSON.writeValue(Files.createDirectories(journal(id)).resolve("received.json").toFile(), document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return document;
    }

    private static Path journal(String documentId) {
        return SHARE.root().resolve(".hse").resolve(documentId);
    }
}
