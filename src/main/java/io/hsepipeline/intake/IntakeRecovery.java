package io.hsepipeline.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.hsepipeline.kafka.TopicLookup;
import io.hsepipeline.share.PipelineSettings;
import io.hsepipeline.share.ShareFolders;

/**
 * Finds documents that a crash left in {@code processing/} after their move and before Kafka acknowledged
 * them, and says which of their records are still missing, so each goes out exactly once.
 */
@Component("intakeRecovery")
public class IntakeRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeRecovery.class);

    private final IntakeService intake;
    private final ShareFolders share;
    private final DocumentLedger ledger;
    private final TopicLookup lookup;
    private final PipelineSettings.Topics topics;

    public IntakeRecovery(IntakeService intake, ShareFolders share, DocumentLedger ledger, TopicLookup lookup,
                          PipelineSettings settings) {
        this.intake = intake;
        this.share = share;
        this.ledger = ledger;
        this.lookup = lookup;
        this.topics = settings.topics();
    }

    public List<Publication> unpublished() {
        List<Publication> pending = new ArrayList<>();
        for (String documentId : unmarkedDocumentIds()) {
            if (intake.isInFlight(documentId) || !Files.exists(share.processingPdf(documentId))) {
                continue;
            }
            ReceivedDocument document = intake.readReceived(documentId).orElseThrow();
            ledger.record(new LedgerEntry(documentId, document.fileName(), document.watchedFolder(), document.receivedAt()));
            boolean sendReceived = !lookup.containsKey(topics.received(), documentId);
            boolean sendStatus = !lookup.containsKey(topics.status(), documentId);
            LOG.info("Recovering document {} ({}) left in processing/: received record {}, status record {}",
                    documentId, document.fileName(), sendReceived ? "missing" : "present",
                    sendStatus ? "missing" : "present");
            pending.add(new Publication(document, sendReceived, sendStatus));
        }
        return pending;
    }

    private List<String> unmarkedDocumentIds() {
        Path processing = share.folder(ShareFolders.PROCESSING);
        try (Stream<Path> files = Files.list(processing)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(IntakeService.RECEIVED_SUFFIX))
                    .map(name -> name.substring(0, name.length() - IntakeService.RECEIVED_SUFFIX.length()))
                    .filter(id -> !Files.exists(processing.resolve(id + IntakeService.PUBLISHED_SUFFIX)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + processing, e);
        }
    }
}
