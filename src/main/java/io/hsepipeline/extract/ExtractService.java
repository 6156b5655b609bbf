package io.hsepipeline.extract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.hsepipeline.extract.Extraction.Phase;
import io.hsepipeline.failure.Failures;
import io.hsepipeline.failure.ServiceFailure;
import io.hsepipeline.http.PdfStream;
import io.hsepipeline.hypatos.HypatosUpload;
import io.hsepipeline.intake.IntakeService;
import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.journal.JournalIdempotentRepository;
import io.hsepipeline.leader.Leadership;
import io.hsepipeline.leader.LeadershipChanged;
import io.hsepipeline.outcome.DocumentOutcomes;
import io.hsepipeline.records.ExtractedDocument;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.share.ShareFolders;

/**
 * The Java leaves of the Extract stage (routes/20-extract.camel.yaml): the upload of a PDF, the {@code extract}
 * journal entry that lets a restart continue without calling twice, the poller's schedule and what Hypatos'
 * answers mean for it, and the extracted record.
 * Documents waiting at Hypatos are kept in a schedule that the poller reads, on the leader only: the journal is
 * the truth, so the schedule is loaded from it when this replica becomes the leader, merged with it every
 * {@code hse.extract.rescan-millis} (documents other replicas' consumers handed to Hypatos), and each due document
 * is checked against it before its poll.
 */
@Component
public class ExtractService {

    public static final String STAGE = "extract";
    public static final String SERVICE = "hypatos";
    /** Journal entry: the document's progress at Hypatos. */
    public static final String ENTRY = "extract";
    /** The once-only key's entry of the route's publish block (extracted-not-published): the record is on Kafka. */
    static final String PUBLISHED = JournalIdempotentRepository.entryOf("extract-publish");

    private static final Logger LOG = LoggerFactory.getLogger(ExtractService.class);
    private static final Set<String> PROCESSING = Set.of("new", "processing");
    private static final Set<String> IN_REVIEW = Set.of("reviewRequired", "inCompletion");
    private static final int MAX_FILE_NAME = 256;

    private final DocumentJournal journal;
    private final DocumentOutcomes documents;
    private final ShareFolders share;
    private final ExtractSettings settings;
    private final Failures failures;
    private final Clock clock;
    private final Leadership leadership;
    private final Map<String, Instant> schedule = new ConcurrentHashMap<>();
    private volatile boolean scheduleLoaded;
    private volatile Instant nextRescan = Instant.MIN;

    @Autowired
    public ExtractService(DocumentJournal journal, DocumentOutcomes documents, ShareFolders share,
                          ExtractSettings settings, Failures failures, Leadership leadership) {
        this(journal, documents, share, settings, failures, leadership, Clock.systemUTC());
    }

    ExtractService(DocumentJournal journal, DocumentOutcomes documents, ShareFolders share, ExtractSettings settings,
                   Failures failures, Leadership leadership, Clock clock) {
        this.journal = journal;
        this.documents = documents;
        this.share = share;
        this.settings = settings;
        this.failures = failures;
        this.leadership = leadership;
        this.clock = clock;
    }

    /** A new leader starts from the journal (another leader polled meanwhile); a follower keeps no schedule. */
    @EventListener
    public void onLeadership(LeadershipChanged change) {
        synchronized (schedule) {
            schedule.clear();
            scheduleLoaded = false;
        }
    }

    /**
     * What was done at Hypatos for a received record, and whether the document already ended (done/ or error/):
     * the one read the extract route branches on.
     */
    public ExtractProgress progress(String documentId) {
        Extraction progress = journaled(documentId);
        boolean ended = journal.read(documentId, DocumentOutcomes.RESULT, Map.class)
                .map(result -> result.get("endedAs") != null)
                .orElse(false);
        return new ExtractProgress(progress.fileId(), progress.hypatosDocumentId(), ended);
    }

    /** The document's {@code extract} journal entry (none yet: an empty one). */
    Extraction journaled(String documentId) {
        return journal.read(documentId, ENTRY, Extraction.class).orElseGet(Extraction::none);
    }

    public HypatosUpload upload(ReceivedDocument received) {
        Path pdf = share.processingPdf(received.documentId());
        try {
            // streamed from the share at send time: a PDF of hundreds of MB never sits in the heap
            long size = Files.size(share.regularFile(pdf));
            return new HypatosUpload(fileName(received.fileName()), PdfStream.entity(() -> share.openPdf(pdf), size));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + pdf + " to upload it to Hypatos: " + e.getMessage(), e);
        }
    }

    /** The PDF is at Hypatos as file fileId (the upload's answer): journaled before process-file is asked. */
    public void uploaded(String documentId, String fileId) {
        if (fileId == null || fileId.isBlank()) {
            throw new IllegalStateException("Hypatos answered the upload of document " + documentId + " without 'id'");
        }
        journal.write(documentId, ENTRY, journaled(documentId).withFile(fileId));
        LOG.info("Document {} uploaded to Hypatos as file {}", documentId, fileId);
    }

    /** process-file answered, or a look-up found the document: from now on the poller checks it. */
    public void processing(String documentId, String hypatosDocumentId) {
        Instant now = clock.instant();
        Instant next = now.plusMillis(settings.pollFirstMillis());
        journal.write(documentId, ENTRY, journaled(documentId).polling(hypatosDocumentId, now.toString(), next.toString(),
                settings.pollFirstMillis()));
        // on a follower the leader's rescan finds it in the journal
        if (leadership.isLeader()) {
            schedule.put(documentId, next);
        }
        LOG.info("Document {} is Hypatos document {}; first check at {}", documentId, hypatosDocumentId, next);
    }

    /**
     * The checks of the documents whose next check at Hypatos is due, earliest first. They leave the schedule
     * until their check puts them back (still waiting) or ends them, so that a check still running is never
     * started again. Each check says whether the document waited longer than HSE_EXTRACT_MAX_WAIT (overdue).
     */
    public List<ExtractCheck> due() {
        Instant now = clock.instant();
        if (!scheduleLoaded || !now.isBefore(nextRescan)) {
            mergeJournal(now);
        }
        List<String> due = schedule.entrySet().stream()
                .filter(entry -> !entry.getValue().isAfter(now))
                .sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                .map(Map.Entry::getKey)
                .toList();
        due.forEach(schedule::remove);
        List<ExtractCheck> checks = new ArrayList<>();
        for (String documentId : due) {
            Extraction progress = journaled(documentId);
            // another leader may have ended it since it was scheduled here
            if (waitingAtHypatos(documentId, progress)) {
                checks.add(check(documentId, progress, now));
            }
        }
        return checks;
    }

    private ExtractCheck check(String documentId, Extraction progress, Instant now) {
        Duration waited = progress.pollingSince() == null ? Duration.ZERO
                : Duration.between(Instant.parse(progress.pollingSince()), now);
        boolean overdue = !inReview(progress.state()) && waited.compareTo(settings.maxWait()) > 0;
        ReceivedDocument received = journal.read(documentId, IntakeService.RECEIVED, ReceivedDocument.class)
                .orElse(null);
        return new ExtractCheck(documentId, progress.hypatosDocumentId(), progress.state(), waited.toSeconds(), overdue,
                received);
    }

    /**
     * When to check a document again that has no result yet. The check failed in a way retrying can fix
     * (document null, the failure in the exchange): after the grown wait, or what Hypatos asked for (Failures
     * judges its Retry-After / rate-limit headers and holds its other callers on a 429). Hypatos still processes
     * it or it is in review: after the grown wait. A ServiceFailure when it waited for review too long or Hypatos
     * ended it without a result (the route's filter document-extracted knows the extracted states).
     */
    public void checkAgainLater(String documentId, Map<String, Object> document, Exchange exchange) {
        Extraction progress = journaled(documentId);
        if (document == null) {
            failures.process(exchange);
            Long requested = exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY, Long.class);
            long wait = Math.max(grownWait(progress), requested == null ? 0 : requested);
            schedule(documentId, progress, wait, progress.state(), progress.reviewSince());
            return;
        }
        String state = text(document, "state");
        String reviewSince = null;
        if (IN_REVIEW.contains(state)) {
            reviewSince = progress.reviewSince() != null ? progress.reviewSince() : clock.instant().toString();
            Duration waited = Duration.between(Instant.parse(reviewSince), clock.instant());
            if (waited.compareTo(settings.reviewWait()) >= 0) {
                throw new ServiceFailure(SERVICE, "needs-review", "Needs review in Hypatos: document "
                        + progress.hypatosDocumentId() + " has been " + state + " for " + waited.toSeconds()
                        + " s (HSE_EXTRACT_REVIEW_WAIT is " + settings.reviewWait() + ")",
                        "Finish the review in Hypatos, then drop the file again.");
            }
        } else if (!PROCESSING.contains(state)) {
            throw new ServiceFailure(SERVICE, state, "Hypatos ended document " + progress.hypatosDocumentId()
                    + " as " + state + " without a result", "Look at the document in Hypatos ("
                    + document.getOrDefault("url", "its Studio") + "); fix the PDF and drop it again.");
        }
        schedule(documentId, progress, grownWait(progress), state, reviewSince);
    }

    /** The record for hse.documents.extracted; the Hypatos ids also go to the document's result. */
    @SuppressWarnings("unchecked")
    public ExtractedDocument extracted(String documentId, Map<String, Object> document) {
        ReceivedDocument received = journal.require(documentId, IntakeService.RECEIVED, ReceivedDocument.class);
        Extraction progress = journaled(documentId);
        String state = text(document, "state");
        Map<String, Object> ids = new LinkedHashMap<>();
        ids.put("documentId", progress.hypatosDocumentId());
        ids.put("fileId", progress.fileId());
        ids.put("state", state);
        documents.addResult(documentId, Map.of(SERVICE, ids));
        Object entities = document.get("entities");
        return new ExtractedDocument(documentId, received.fileName(), received.watchedFolder(),
                progress.hypatosDocumentId(), progress.fileId(), state,
                entities instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of(), received.eerCodes(),
                clock.instant().toString());
    }

    private static boolean inReview(String state) {
        return state != null && IN_REVIEW.contains(state);
    }

    private long grownWait(Extraction progress) {
        long last = progress.waitMillis() == null ? settings.pollFirstMillis() : progress.waitMillis();
        return Math.min(settings.pollMaxMillis(), Math.round(last * settings.pollGrowth()));
    }

    private void schedule(String documentId, Extraction progress, long waitMillis, String state, String reviewSince) {
        Instant next = clock.instant().plusMillis(waitMillis);
        journal.write(documentId, ENTRY, progress.nextPoll(next.toString(), waitMillis, state, reviewSince));
        schedule.put(documentId, next);
    }

    /**
     * Documents waiting at Hypatos by the journal, added to the schedule at their journaled time: all of them when
     * this replica became the leader (or started), then those other replicas' consumers handed over. Only PDFs
     * still in processing/ are looked at: a document waiting at Hypatos has its PDF there.
     */
    private void mergeJournal(Instant now) {
        synchronized (schedule) {
            int before = schedule.size();
            for (String documentId : share.processingDocumentIds()) {
                if (schedule.containsKey(documentId)) {
                    continue;
                }
                Extraction progress = journaled(documentId);
                if (waitingAtHypatos(documentId, progress)) {
                    schedule.putIfAbsent(documentId, progress.nextPollAt() == null ? now
                            : Instant.parse(progress.nextPollAt()));
                }
            }
            if (!scheduleLoaded) {
                LOG.info("Extract: {} document(s) waiting at Hypatos", schedule.size());
            } else if (schedule.size() > before) {
                LOG.info("Extract: {} more document(s) waiting at Hypatos found in the journal", schedule.size() - before);
            }
            scheduleLoaded = true;
            nextRescan = now.plusMillis(settings.rescanMillis());
        }
    }

    /**
     * Polled until its extracted record is on Kafka: the once-only key of the route's publish block is what says
     * so (a document that failed has left processing/, so no rescan finds it).
     */
    private boolean waitingAtHypatos(String documentId, Extraction progress) {
        return (progress.phase() == Phase.POLLING || progress.phase() == Phase.PUBLISHING)
                && !journal.has(documentId, PUBLISHED);
    }

    /** X-Hy-Filename takes at most 256 characters; the end of a long name (its extension) is kept. */
    private static String fileName(String name) {
        return name.length() <= MAX_FILE_NAME ? name : name.substring(name.length() - MAX_FILE_NAME);
    }

    private static String text(Map<String, Object> map, String field) {
        Object value = map.get(field);
        if (value == null) {
            throw new IllegalStateException("Hypatos answered without '" + field + "': " + map.keySet());
        }
        return value.toString();
    }
}
