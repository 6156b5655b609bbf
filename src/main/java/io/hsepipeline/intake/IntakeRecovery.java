package io.hsepipeline.intake;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.hsepipeline.journal.DocumentJournal;
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
    private final IntakeLedger ledger;
    private final DocumentJournal journal;
    private final TopicLookup lookup;
    private final PipelineSettings.Topics topics;

    public IntakeRecovery(IntakeService intake, ShareFolders share, IntakeLedger ledger, DocumentJournal journal,
                          TopicLookup lookup, PipelineSettings settings) {
        this.intake = intake;
        this.share = share;
        this.ledger = ledger;
        this.journal = journal;
        this.lookup = lookup;
        this.topics = settings.topics();
    }

    /**
     * The documents to publish again, each claimed (see {@link IntakeService#claim}) until intake-publish settles
     * it, so that a slow publication is not found unpublished and sent again by the next run.
     */
    public List<Publication> unpublished() {
        List<Publication> pending = new ArrayList<>();
        for (String documentId : journal.documentsWith(IntakeService.RECEIVED)) {
            if (journal.has(documentId, IntakeService.PUBLISHED) || !Files.exists(share.processingPdf(documentId))
                    || !intake.claim(documentId)) {
                continue;
            }
            try {
                pending.add(recover(documentId));
            } catch (RuntimeException e) {
                intake.settled(documentId);
                pending.forEach(publication -> intake.settled(publication.document().documentId()));
                throw e;
            }
        }
        return pending;
    }

    private Publication recover(String documentId) {
        ReceivedDocument document = journal.require(documentId, IntakeService.RECEIVED, ReceivedDocument.class);
        // recorded before the move already; again for a share from before the ledger, or a lost ledger topic
        ledger.record(documentId);
        boolean sendReceived = !lookup.containsKey(topics.received(), documentId);
        boolean sendStatus = !lookup.containsKey(topics.status(), documentId);
        LOG.info("Recovering document {} ({}) left in processing/: received record {}, status record {}",
                documentId, document.fileName(), sendReceived ? "missing" : "present",
                sendStatus ? "missing" : "present");
        return new Publication(document, sendReceived, sendStatus);
    }
}
