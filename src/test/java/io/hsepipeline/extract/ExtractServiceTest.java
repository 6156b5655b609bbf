package io.hsepipeline.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.extract.Extraction.Phase;
import io.hsepipeline.intake.IntakeService;
import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.leader.Leadership;
import io.hsepipeline.outcome.DocumentOutcomes;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.share.PipelineSettings;
import io.hsepipeline.share.ShareFolders;

/**
 * The poller's schedule (ExtractService.due) read from the journal: what each check is handed, when a document
 * is overdue, and that a published extracted record ends the polling of its document.
 */
class ExtractServiceTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);
    private static final String DOCUMENT = "a".repeat(64);

    @TempDir
    Path share;

    @Test
    void aDueDocumentsCheckCarriesItsHypatosIdAndReceivedRecord() throws IOException {
        DocumentJournal journal = documentWaitingAtHypatos(Duration.ofMinutes(1), null);

        List<ExtractCheck> checks = service(journal).due();

        assertThat(checks).singleElement().satisfies(check -> {
            assertThat(check.documentId()).isEqualTo(DOCUMENT);
            assertThat(check.hypatosDocumentId()).isEqualTo("hypatos-1");
            assertThat(check.waitedSeconds()).isEqualTo(60);
            assertThat(check.overdue()).isFalse();
            assertThat(check.received().fileName()).isEqualTo("solvent.pdf");
        });
    }

    @Test
    void aDocumentWaitingLongerThanTheMaximumIsOverdueUnlessItIsInReview() throws IOException {
        assertThat(service(documentWaitingAtHypatos(MAX_WAIT.plusSeconds(1), "processing")).due())
                .singleElement().satisfies(check -> assertThat(check.overdue()).isTrue());
        assertThat(service(documentWaitingAtHypatos(MAX_WAIT.plusSeconds(1), "reviewRequired")).due())
                .singleElement().satisfies(check -> assertThat(check.overdue()).isFalse());
    }

    @Test
    void aDocumentWhoseExtractedRecordWasPublishedIsNotPolledAgain() throws IOException {
        DocumentJournal journal = documentWaitingAtHypatos(Duration.ofMinutes(1), "done");
        // what the route's idempotentConsumer (extracted-not-published) leaves once Kafka took the record
        journal.write(DOCUMENT, ExtractService.PUBLISHED, Map.of("key", DOCUMENT + "/extract-publish"));

        assertThat(service(journal).due()).isEmpty();
    }

    /** A document whose process-file was answered {@code waited} ago and whose check is due now. */
    private DocumentJournal documentWaitingAtHypatos(Duration waited, String lastState) throws IOException {
        ShareFolders folders = folders();
        DocumentJournal journal = new DocumentJournal(folders);
        Files.createDirectories(folders.processingPdf(DOCUMENT).getParent());
        Files.write(folders.processingPdf(DOCUMENT), new byte[] {'%', 'P', 'D', 'F'});
        journal.write(DOCUMENT, IntakeService.RECEIVED, new ReceivedDocument(DOCUMENT, "solvent.pdf", "inbox", 4,
                DOCUMENT, NOW.minus(waited).toString(), List.of(), null));
        journal.write(DOCUMENT, ExtractService.ENTRY, new Extraction("file-1", "hypatos-1", Phase.POLLING,
                NOW.minus(waited).toString(), NOW.minusSeconds(1).toString(), 1000L, lastState, null));
        return journal;
    }

    private ExtractService service(DocumentJournal journal) {
        ShareFolders folders = folders();
        ExtractSettings extract = new ExtractSettings(1000, 2.0, 60_000, MAX_WAIT, Duration.ofHours(1), 60_000);
        return new ExtractService(journal, new DocumentOutcomes(folders, journal), folders, extract, null,
                new Leadership("test", event -> { }), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private ShareFolders folders() {
        PipelineSettings settings = new PipelineSettings(share, null, null, null,
                List.of(new PipelineSettings.WatchedFolder("inbox", "inbox", List.of(), null, null, null)));
        return new ShareFolders(settings, new ObjectMapper());
    }
}
