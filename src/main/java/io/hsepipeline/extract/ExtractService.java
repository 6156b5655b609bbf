package io.hsepipeline.extract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.extract.Extraction.Phase;
import io.hsepipeline.http.PdfStream;
import io.hsepipeline.failure.ServiceFailure;
import io.hsepipeline.hypatos.HypatosRequest;
import io.hsepipeline.hypatos.HypatosSettings;
import io.hsepipeline.intake.IntakeService;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.leader.Leadership;
import io.hsepipeline.leader.LeadershipChanged;
import io.hsepipeline.outcome.DocumentOutcomes;
import io.hsepipeline.share.ShareFolders;
import io.hsepipeline.records.ExtractedDocument;

/**
 * The steps of the Extract stage (routes/20-extract.camel.yaml): what to ask Hypatos next for a document, what
 * its answers mean, and the {@code extract} journal entry that lets a restart continue without calling twice.
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

    private static final Logger LOG = LoggerFactory.getLogger(ExtractService.class);
    private static final Set<String> PROCESSING = Set.of("new", "processing");
    private static final Set<String> IN_REVIEW = Set.of("reviewRequired", "inCompletion");
    private static final int MAX_FILE_NAME = 256;

    private final DocumentJournal journal;
    private final DocumentOutcomes documents;
    private final ShareFolders share;
    private final HypatosSettings hypatos;
    private final ExtractSettings settings;
    private final ObjectMapper json;
    private final Clock clock;
    private final Leadership leadership;
    private final Map<String, Instant> schedule = new ConcurrentHashMap<>();
    private volatile boolean scheduleLoaded;
    private volatile Instant nextRescan = Instant.MIN;

    @Autowired
    public ExtractService(DocumentJournal journal, DocumentOutcomes documents, ShareFolders share,
                          HypatosSettings hypatos, ExtractSettings settings, ObjectMapper json, Leadership leadership) {
        this(journal, documents, share, hypatos, settings, json, leadership, Clock.systemUTC());
    }

    ExtractService(DocumentJournal journal, DocumentOutcomes documents, ShareFolders share, HypatosSettings hypatos,
                   ExtractSettings settings, ObjectMapper json, Leadership leadership, Clock clock) {
        this.journal = journal;
        this.documents = documents;
        this.share = share;
        this.hypatos = hypatos;
        this.settings = settings;
        this.json = json;
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

    public Extraction progress(String documentId) {
        return journal.read(documentId, ENTRY, Extraction.class).orElseGet(Extraction::none);
    }

    /** A received record replayed for a document that already ended (done/ or error/) is left alone. */
    public boolean ended(String documentId) {
        return journal.read(documentId, DocumentOutcomes.RESULT, Map.class)
                .map(result -> result.get("endedAs") != null)
                .orElse(false);
    }

    public HypatosRequest upload(ReceivedDocument received) {
        Path pdf = share.processingPdf(received.documentId());
        try {
            // streamed from the share at send time: a PDF of hundreds of MB never sits in the heap
            long size = Files.size(share.regularFile(pdf));
            return HypatosRequest.upload(fileName(received.fileName()), PdfStream.entity(() -> share.openPdf(pdf), size));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + pdf + " to upload it to Hypatos: " + e.getMessage(), e);
        }
    }

    public void uploaded(String documentId, Map<String, Object> answer) {
        String fileId = text(answer, "id");
        journal.write(documentId, ENTRY, progress(documentId).withFile(fileId));
        LOG.info("Document {} uploaded to Hypatos as file {}", documentId, fileId);
    }

    /** Before process-file: the documents Hypatos already made from the file (a kill may have hidden its answer). */
    public HypatosRequest documentsOfFile(String documentId) {
        return HypatosRequest.get("/documents", "fileId=" + encode(progress(documentId).fileId())
                + "&projectId=" + encode(hypatos.projectId()) + "&limit=50");
    }

    /** The id of the document made from the file, or null; a document can hold several files. */
    @SuppressWarnings("unchecked")
    public String documentOfFile(String documentId, Map<String, Object> page) {
        String fileId = progress(documentId).fileId();
        for (Object item : (List<Object>) page.getOrDefault("data", List.of())) {
            Map<String, Object> doc = (Map<String, Object>) item;
            boolean main = fileId.equals(doc.get("fileId"));
            boolean among = ((List<Object>) doc.getOrDefault("files", List.of())).stream()
                    .anyMatch(file -> fileId.equals(((Map<String, Object>) file).get("id")));
            if (main || among) {
                return text(doc, "id");
            }
        }
        return null;
    }

    public HypatosRequest processFile(ReceivedDocument received) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("fileId", progress(received.documentId()).fileId());
        body.put("projectId", hypatos.projectId());
        body.put("externalId", received.documentId());
        body.put("externalData", Map.of("fileName", received.fileName(), "watchedFolder", received.watchedFolder()));
        return HypatosRequest.postJson("/documents/process-file", write(body));
    }

    /** process-file answered, or a look-up found the document: from now on the poller checks it. */
    public void processing(String documentId, String hypatosDocumentId) {
        Instant now = clock.instant();
        Instant next = now.plusMillis(settings.pollFirstMillis());
        journal.write(documentId, ENTRY, progress(documentId).polling(hypatosDocumentId, now.toString(), next.toString(),
                settings.pollFirstMillis()));
        // on a follower the leader's rescan finds it in the journal
        if (leadership.isLeader()) {
            schedule.put(documentId, next);
        }
        LOG.info("Document {} is Hypatos document {}; first check at {}", documentId, hypatosDocumentId, next);
    }

    /**
     * Documents whose next check at Hypatos is due, earliest first. They leave the schedule until their check
     * puts them back (still waiting) or ends them, so that a check still running is never started again.
     */
    public List<String> due() {
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
        // another leader may have ended it since it was scheduled here
        return due.stream().filter(id -> waitingAtHypatos(progress(id))).toList();
    }

    /** The check of a document; one that Hypatos did not finish within the maximum wait fails instead. */
    public HypatosRequest poll(String documentId) {
        Extraction progress = progress(documentId);
        Duration waited = Duration.between(Instant.parse(progress.pollingSince()), clock.instant());
        if (!inReview(progress.state()) && waited.compareTo(settings.maxWait()) > 0) {
            throw new ServiceFailure(SERVICE, "timeout", "Hypatos document " + progress.hypatosDocumentId()
                    + " is still " + progress.state() + " after " + waited.toSeconds() + " s (HSE_EXTRACT_MAX_WAIT is "
                    + settings.maxWait() + ")", "Look at the document in Hypatos; drop the file again once Hypatos works.");
        }
        return HypatosRequest.get("/documents/" + encode(progress.hypatosDocumentId()), null);
    }

    /**
     * Hypatos has no result yet (the route's choice knows the extracted states): checked again after the grown
     * wait while it processes or is in review; a ServiceFailure when it ended without a result or waited for
     * review too long.
     */
    public void checkAgainLater(String documentId, Map<String, Object> document) {
        String state = text(document, "state");
        Extraction progress = progress(documentId);
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

    /** A check that failed in a way retrying can fix: again after the grown wait, or what Hypatos asked for. */
    public void retryLater(String documentId, Long requestedMillis) {
        Extraction progress = progress(documentId);
        long wait = Math.max(grownWait(progress), requestedMillis == null ? 0 : requestedMillis);
        schedule(documentId, progress, wait, progress.state(), progress.reviewSince());
    }

    /** The record for hse.documents.extracted; the Hypatos ids also go to the document's result. */
    @SuppressWarnings("unchecked")
    public ExtractedDocument extracted(String documentId, Map<String, Object> document) {
        ReceivedDocument received = journal.require(documentId, IntakeService.RECEIVED, ReceivedDocument.class);
        Extraction progress = progress(documentId);
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

    /** The extracted record is on Kafka. */
    public void published(String documentId) {
        Extraction progress = progress(documentId);
        journal.write(documentId, ENTRY, progress.moved(Phase.EXTRACTED, progress.state()));
        LOG.info("Document {} extracted by Hypatos ({})", documentId, progress.state());
    }

    /** The document failed for good. */
    public void failed(String documentId) {
        Extraction progress = progress(documentId);
        journal.write(documentId, ENTRY, progress.moved(Phase.FAILED, progress.state()));
    }

    /** The received record as intake published it: the body of a dead letter written by the poller. */
    public String receivedRecord(String documentId) {
        return write(journal.require(documentId, IntakeService.RECEIVED, ReceivedDocument.class));
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
                Extraction progress = progress(documentId);
                if (waitingAtHypatos(progress)) {
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

    private static boolean waitingAtHypatos(Extraction progress) {
        return progress.phase() == Phase.POLLING || progress.phase() == Phase.PUBLISHING;
    }

    /** X-Hy-Filename takes at most 256 characters; the end of a long name (its extension) is kept. */
    private static String fileName(String name) {
        return name.length() <= MAX_FILE_NAME ? name : name.substring(name.length() - MAX_FILE_NAME);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static String text(Map<String, Object> map, String field) {
        Object value = map.get(field);
        if (value == null) {
            throw new IllegalStateException("Hypatos answered without '" + field + "': " + map.keySet());
        }
        return value.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
