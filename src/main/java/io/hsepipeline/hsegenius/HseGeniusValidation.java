package io.hsepipeline.hsegenius;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;

import io.hsepipeline.failure.ServiceFailure;
import io.hsepipeline.intake.IntakeService;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.outcome.DocumentOutcomes;
import io.hsepipeline.share.PipelineSettings.WatchedFolder;
import io.hsepipeline.share.ShareFolders;
import io.hsepipeline.records.StatusRecord;
import io.hsepipeline.records.ValidatedRecord;

/**
 * The steps of the scheduled validate route (routes/30-hsegenius.camel.yaml): which uploaded documents still
 * wait, what to do next for each, the records to publish, and what the journal keeps so that a restart
 * publishes no record twice and proceeds only what was published.
 */
@Component
public class HseGeniusValidation {

    /** Journal entry: the records published so far, and whether the document is handed on. */
    public static final String ENTRY = "validate";
    /** The stage this class's steps run in (the document's status says which stage ended it). */
    private static final String STAGE = "validate";

    private final DocumentJournal journal;
    private final HseGeniusUploads uploads;
    private final ShareFolders share;
    private final DocumentOutcomes outcomes;
    private final String defaultCustomer;
    private final Duration parseMaxWait;
    private final HseGeniusNames names;
    /** Upload id to document id of the documents of the current batch run (set by pending()). */
    private volatile Map<String, String> pendingUploads = Map.of();

    public HseGeniusValidation(DocumentJournal journal, HseGeniusUploads uploads, ShareFolders share,
                               DocumentOutcomes outcomes, @Value("${hse.hsegenius.customer-id}") String defaultCustomer,
                               @Value("${hse.hsegenius.parse-max-wait}") Duration parseMaxWait, HseGeniusNames names) {
        this.names = names;
        this.journal = journal;
        this.uploads = uploads;
        this.share = share;
        this.outcomes = outcomes;
        this.defaultCustomer = defaultCustomer;
        this.parseMaxWait = parseMaxWait;
    }

    /**
     * Uploaded documents whose records have not all been published and handed on yet, and those handed on whose
     * PDF is still in processing/ (the share refused the move, or a kill came first).
     */
    private List<String> pending() {
        List<String> pending = journal.documentsWith(HseGeniusUploads.ENTRY).stream()
                .filter(id -> !progress(id).finished() || Files.exists(share.processingPdf(id)))
                .filter(id -> !failed(id))
                .toList();
        Map<String, String> byUpload = new ConcurrentHashMap<>();
        pending.forEach(id -> byUpload.put(uploads.upload(id).uploadId(), id));
        pendingUploads = byUpload;
        return pending;
    }

    /**
     * A batch run's work, read once at its start: the pending documents, where each one not finished yet stands
     * (the first phase's documents), and whether any upload still waits for confirm.
     */
    public Batch batch() {
        List<String> documents = pending();
        List<Standing> unfinished = documents.stream().map(this::standing).filter(s -> !s.finished()).toList();
        boolean needsConfirm = documents.stream().anyMatch(id -> !uploads.upload(id).confirmed());
        return new Batch(documents, unfinished, needsConfirm);
    }

    /** See batch(). */
    public record Batch(List<String> documents, List<Standing> unfinished, boolean needsConfirm) {
    }

    /**
     * Where a pending document stands, for the route's choices: finished (only the move to done/ can be left);
     * ready to hand on (records published, not failed meanwhile: the second phase's documents); its upload; the
     * History request (null without a customer); whether records were published before, and their EER codes
     * (what HP Finder's proceed selects by).
     */
    public Standing standing(String documentId) {
        Progress progress = progress(documentId);
        Set<String> codes = new LinkedHashSet<>();
        progress.published().values().forEach(r -> codes.addAll(r.eerCodes()));
        return new Standing(documentId, uploadId(documentId), progress.finished(),
                !failed(documentId) && !progress.published().isEmpty(), !progress.published().isEmpty(),
                String.join(",", codes), history(documentId));
    }

    /** See standing(). */
    public record Standing(String documentId, String uploadId, boolean finished, boolean readyToHandOn,
                           boolean published, String proceedCodes, Map<String, Object> history) {
    }

    private boolean failed(String documentId) {
        return journal.read(documentId, DocumentOutcomes.RESULT, Map.class)
                .map(result -> "FAILED".equals(result.get("endedAs"))).orElse(false);
    }

    /** The upload route confirmed right after the upload: the batch has nothing to confirm for this document. */
    public void uploadConfirmed(String documentId) {
        confirmed(List.of(documentId));
    }

    public void confirmed(List<String> documentIds) {
        for (String id : documentIds) {
            journal.write(id, HseGeniusUploads.ENTRY, uploads.upload(id).withConfirmed());
        }
    }

    private String uploadId(String documentId) {
        return uploads.upload(documentId).uploadId();
    }

    /**
     * The guards before anything is done for a document (the route's choice then picks the step from the lists):
     * both lists hold only the document's records (own); History's filter is one the live Swagger declares (the
     * query parameters of GET /api/files/imported/, null while unread: then the document waits and nothing is
     * checked further); with neither parsed nor validated records and nothing published, parsing has not taken
     * longer than the parse wait. Judged on the document's standing as this run read it (its upload, History
     * request, whether records were published), not on the journal read again.
     */
    public void check(Standing document, JsonNode parsed, JsonNode validated, List<String> declared) {
        own(document.uploadId(), parsed, HseGeniusSwagger.IMPORTED);
        own(document.uploadId(), validated, HseGeniusSwagger.HP_FINDER);
        if (document.history() != null) {
            if (declared == null) {
                // History's filter cannot be verified before HSE Genius's Swagger has been read: the document waits
                return;
            }
            if (!declared.contains(names.historyUploadFilter())) {
                throw filterNotHonoured("the live Swagger of HSE Genius does not declare the filter '"
                        + names.historyUploadFilter() + "' that History would be sent with (it declares " + declared
                        + "); nothing of this document was validated", HseGeniusNames.HISTORY_UPLOAD_FILTER,
                        "filter by upload of the History body");
            }
        }
        if (listed(parsed) || listed(validated) || document.published()) {
            return;
        }
        HseGeniusUpload upload = uploads.upload(document.documentId());
        if (upload.uploadedAt() != null
                && Instant.parse(upload.uploadedAt()).plus(parseMaxWait).isBefore(Instant.now())) {
            throw new ServiceFailure(HseGeniusAuth.SERVICE, "timeout", "HSE Genius has not parsed upload "
                    + upload.uploadId() + " within " + parseMaxWait + " (uploaded at " + upload.uploadedAt() + ")",
                    "Look at the upload in HSE Genius (Upload, Parsed file). Drop the file again once HSE Genius"
                            + " parses documents, or raise HSEGENIUS_PARSE_MAX_WAIT.");
        }
    }

    private static boolean listed(JsonNode records) {
        return records.isArray() && !records.isEmpty();
    }

    /**
     * Guard on every list the pipeline acts on: each record must name the document's upload in its own field
     * (HSEGENIUS_RECORD_UPLOAD_FIELD). A record of another upload means HSE Genius ignored the filter, and then
     * nothing of the list may be used: the document fails as filter-not-honoured before anything is done with it.
     */
    private JsonNode own(String uploadId, JsonNode records, String list) {
        if (!records.isArray()) {
            return records;
        }
        List<String> foreign = new ArrayList<>();
        List<String> unmarked = new ArrayList<>();
        for (JsonNode record : records) {
            JsonNode upload = record.get(names.recordUploadField());
            if (upload == null || upload.isNull() || upload.isContainerNode()) {
                unmarked.add(record.path("id").asText());
            } else if (!upload.asText().equals(uploadId)) {
                foreign.add(record.path("id").asText() + " (upload " + upload.asText() + ")");
            }
        }
        if (!unmarked.isEmpty()) {
            throw filterNotHonoured("GET " + list + "?" + names.uploadQuery(uploadId) + " answered records without a field '"
                    + names.recordUploadField() + "' (records " + unmarked + "), so none can be told to be this"
                    + " document's", HseGeniusNames.RECORD_UPLOAD_FIELD, "field of a listed record that holds its upload's id");
        }
        if (!foreign.isEmpty()) {
            throw filterNotHonoured("GET " + list + "?" + names.uploadQuery(uploadId) + " answered " + foreign.size()
                    + " records of other uploads than " + uploadId + ": " + foreign + "; HSE Genius ignored the filter '"
                    + names.uploadFilter() + "'", HseGeniusNames.UPLOAD_FILTER, "query filter by upload of " + list);
        }
        return records;
    }

    /**
     * A bulk action's answer (validate-constraint's records, validate's ids) must name only selected records:
     * another record means HSE Genius ignored the selection filter and would act, or acted, on others. Fewer is
     * no such sign (a retry after a lost answer finds the records validated already); the HP Finder read that
     * follows checks the document's records. An answer that names none is accepted only when the live Swagger
     * declares the selection filter (declared: the query parameters of GET /api/files/imported/, null while unread).
     */
    public void requireSelected(JsonNode selection, JsonNode answer, String action, List<String> declared) {
        JsonNode named = answer.has("records") ? answer.get("records") : answer.get("ids");
        if (named == null || !named.isArray()) {
            // an answer that names no records: the live Swagger declaring the selection filter is the verification
            if (declared == null || !declared.contains(names.validateSelection())) {
                throw filterNotHonoured(action + " answered without naming the records it took, and the live Swagger"
                        + " does not declare the selection '" + names.validateSelection() + "' (it declares "
                        + (declared == null ? List.of() : declared) + ")", HseGeniusNames.VALIDATE_SELECTION,
                        "body filter of validate-constraint and validate by record id");
            }
            return;
        }
        Set<String> selected = new java.util.TreeSet<>();
        selection.path(names.validateSelection()).forEach(id -> selected.add(id.asText()));
        Set<String> answered = new java.util.TreeSet<>();
        named.forEach(item -> answered.add(item.isObject() ? item.path("id").asText() : item.asText()));
        if (!selected.containsAll(answered)) {
            throw filterNotHonoured(action + " with {\"" + names.validateSelection() + "\": " + selected + "} answered for records "
                    + answered + "; HSE Genius ignored the selection '" + names.validateSelection() + "'",
                    HseGeniusNames.VALIDATE_SELECTION, "body filter of validate-constraint and validate by record id");
        }
    }

    private ServiceFailure filterNotHonoured(String detail, String setting, String what) {
        return new ServiceFailure(HseGeniusAuth.SERVICE, "filter-not-honoured", detail,
                "Set " + setting + " (" + what + ") to the name HSE Genius declares in its live Swagger ("
                        + "/api/docs/), then drop the file again. Nothing was validated, published or proceeded"
                        + " for records of other documents.");
    }

    /**
     * After validate: its answer named only selected records (requireSelected), and HP Finder, read again (hpFinder),
     * lists only the document's records (own), else the document fails before anything is published.
     */
    public void requireValidated(Standing document, JsonNode selection, JsonNode answer, JsonNode hpFinder,
                                 List<String> declared) {
        requireSelected(selection, answer, "POST /api/files/imported/validate/", declared);
        own(document.uploadId(), hpFinder, HseGeniusSwagger.HP_FINDER);
    }

    /**
     * validate-constraint's answer: it names only selected records (requireSelected) and every one is valid,
     * else the document fails with why.
     */
    public void requireValidatable(JsonNode selection, JsonNode answer, List<String> declared) {
        requireSelected(selection, answer, "POST /api/files/imported/validate-constraint/", declared);
        if (answer.path("can_validate").asBoolean(true)) {
            return;
        }
        List<String> reasons = new ArrayList<>();
        for (JsonNode record : answer.path("records")) {
            if (!record.path("can_validate").asBoolean(true)) {
                reasons.add("record " + record.path("id").asText() + ": " + record.path("reasons").toString());
            }
        }
        throw new ServiceFailure(HseGeniusAuth.SERVICE, "not-validatable",
                "HSE Genius will not validate the parsed records: " + String.join("; ", reasons),
                "Check the document's EER codes (extraction, or the watched folder's eer-codes), then drop the file again.");
    }

    /**
     * The validated records of the document, shaped for hse.records.validated, about to be published: the
     * document's result notes when they were released.
     */
    public List<ValidatedRecord> release(String documentId, JsonNode validated) {
        outcomes.addResult(documentId, Map.of(DocumentOutcomes.PUBLISHED_AT, Instant.now().toString()));
        HseGeniusUpload upload = uploads.upload(documentId);
        ReceivedDocument received = journal.require(documentId, IntakeService.RECEIVED, ReceivedDocument.class);
        String customer = customer(received.watchedFolder());
        List<ValidatedRecord> records = new ArrayList<>();
        for (JsonNode record : validated) {
            String hsegeniusId = record.path("id").asText();
            records.add(new ValidatedRecord("hsegenius-" + hsegeniusId, documentId, received.fileName(),
                    received.watchedFolder(), strings(record.path("eer_codes")), strings(record.path("hp_codes")),
                    record.hasNonNull("product_name") ? record.get("product_name").asText() : upload.product(),
                    upload.hypatosDocumentId(), upload.hypatosFileId(), upload.uploadId(), hsegeniusId, customer,
                    Instant.now().toString()));
        }
        return records;
    }

    /**
     * HP Finder is shared: proceed moves every validated record with the codes, whoever validated it. The records
     * in HP Finder with these codes (hpFinder) that belong to an upload of a document still in work and are not
     * published yet: proceed waits until none is left.
     */
    public List<String> proceedBlockers(String documentId, JsonNode hpFinder) {
        // the batch run's own list: only its documents can have been validated, and reading every journal
        // again for each document would cost more the larger the backlog
        Map<String, String> pendingUploads = this.pendingUploads;
        List<String> blockers = new ArrayList<>();
        for (JsonNode record : hpFinder) {
            String owner = pendingUploads.get(record.path(names.recordUploadField()).asText());
            if (owner != null && !isPublished(owner, "hsegenius-" + record.path("id").asText())) {
                blockers.add("record " + record.path("id").asText() + " of document " + owner);
            }
        }
        return blockers;
    }

    private boolean isPublished(String documentId, String recordId) {
        return progress(documentId).published().containsKey(recordId);
    }

    /** Before the first record goes out: from then on the document ends in done/, whatever a delivery does. */
    public synchronized void published(ValidatedRecord record) {
        Progress progress = progress(record.documentId());
        Map<String, ValidatedRecord> published = new LinkedHashMap<>(progress.published());
        published.put(record.recordId(), record);
        journal.write(record.documentId(), ENTRY, new Progress(published, false));
    }

    /** The history request for the folder's customer, or null when no customer is set. */
    private Map<String, Object> history(String documentId) {
        ReceivedDocument received = journal.require(documentId, IntakeService.RECEIVED, ReceivedDocument.class);
        String customer = customer(received.watchedFolder());
        if (customer == null) {
            return null;
        }
        return Map.of("customer", Integer.parseInt(customer),
                "filters", Map.of(names.historyUploadFilter(), uploadId(documentId)));
    }

    /**
     * Records published and handed on: the result gains the records' ids and codes (once), then the PDF goes to
     * done/ and the document is DONE once the deliveries have every record too (DocumentOutcomes.complete). A
     * share that refuses the move throws, and the next run, finding the document finished, only moves it.
     */
    public StatusRecord finish(String documentId) {
        Progress progress = progress(documentId);
        if (!progress.finished()) {
            finished(documentId, progress);
        }
        return outcomes.complete(documentId, STAGE);
    }

    private void finished(String documentId, Progress progress) {
        Set<String> eer = new LinkedHashSet<>();
        Set<String> hp = new LinkedHashSet<>();
        List<String> recordIds = new ArrayList<>();
        progress.published().values().forEach(r -> {
            eer.addAll(r.eerCodes());
            hp.addAll(r.hpCodes());
            recordIds.add(r.recordId());
        });
        outcomes.addResult(documentId, Map.of(
                "hsegenius", Map.of("uploadId", uploadId(documentId), "recordIds", recordIds),
                "eerCodes", new ArrayList<>(eer), "hpCodes", new ArrayList<>(hp)));
        journal.write(documentId, ENTRY, new Progress(progress.published(), true));
    }

    private String customer(String watchedFolder) {
        String customer = share.watchedFolder(watchedFolder).map(WatchedFolder::customer).orElse(null);
        if (customer == null || customer.isBlank()) {
            customer = defaultCustomer;
        }
        return customer == null || customer.isBlank() ? null : customer;
    }

    private Progress progress(String documentId) {
        return journal.read(documentId, ENTRY, Progress.class).orElse(new Progress(Map.of(), false));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** Journal entry {@code validate}: the records published so far, and whether the document is handed on. */
    record Progress(Map<String, ValidatedRecord> published, boolean finished) {
        Progress {
            published = published == null ? Map.of() : published;
        }
    }
}
