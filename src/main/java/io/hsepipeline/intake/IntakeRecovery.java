package io.hsepipeline.intake;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.journal.JournalIdempotentRepository;
import io.hsepipeline.kafka.TopicLookup;
import io.hsepipeline.share.PipelineSettings;
import io.hsepipeline.share.ShareFolders;
import io.hsepipeline.records.ReceivedDocument;

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
    private final JournalIdempotentRepository onceOnly;
    private final TopicLookup lookup;
    private final PipelineSettings.Topics topics;

    public IntakeRecovery(IntakeService intake, ShareFolders share, IntakeLedger ledger, DocumentJournal journal,
                          JournalIdempotentRepository onceOnly, TopicLookup lookup, PipelineSettings settings) {
        this.intake = intake;
        this.share = share;
        this.ledger = ledger;
        this.journal = journal;
        this.onceOnly = onceOnly;
        this.lookup = lookup;
        this.topics = settings.topics();
    }

    /**
     * The documents to publish again. One that an intake route is taking in right now (the intake ledger has it
     * as such until its exchange ends) is its route's to publish: it is left out, so that a slow publication is
     * not found unpublished and sent twice. The journal is read before the ledger: intake marks a document as
     * being taken in before its journal entry, and writes the received record's key before it unmarks it.
     */
    public List<ReceivedDocument> unpublished() {
        List<ReceivedDocument> pending = new ArrayList<>();
        for (String documentId : journal.documentsWith(IntakeService.RECEIVED)) {
            if (intake.isPublished(documentId) || !Files.exists(share.processingPdf(documentId))
                    || ledger.isTakingIn(documentId)) {
                continue;
            }
            pending.add(recover(documentId));
        }
        confirmWhatKafkaHas(pending);
        return pending;
    }

    private ReceivedDocument recover(String documentId) {
        ReceivedDocument document = journal.require(documentId, IntakeService.RECEIVED, ReceivedDocument.class);
        // recorded before the move already; again for a share from before the ledger, or a lost ledger topic
        ledger.record(documentId);
        LOG.info("Recovering document {} ({}) left in processing/ unpublished", documentId, document.fileName());
        return document;
    }

    /**
     * intake-publish sends only what its once-only keys in the journal do not name as sent. A kill between Kafka's
     * ack and the key leaves a record sent but not keyed: those keys are written here from what the topics hold,
     * one read per partition for all the documents found, so nothing goes out twice.
     */
    private void confirmWhatKafkaHas(List<ReceivedDocument> pending) {
        confirm(pending, topics.status(), IntakeService.RECEIVED_STATUS_STEP);
        confirm(pending, topics.received(), IntakeService.RECEIVED_RECORD_STEP);
    }

    private void confirm(List<ReceivedDocument> pending, String topic, String step) {
        Set<String> unkeyed = pending.stream().map(ReceivedDocument::documentId)
                .filter(id -> !onceOnly.contains(id + "/" + step)).collect(Collectors.toSet());
        for (String documentId : lookup.keysPresent(topic, unkeyed)) {
            LOG.info("Document {}: its {} record is on {} already, and is not sent again", documentId, step, topic);
            onceOnly.add(documentId + "/" + step);
        }
    }
}
