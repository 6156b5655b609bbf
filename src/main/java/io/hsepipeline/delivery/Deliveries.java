package io.hsepipeline.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.hc.client5.http.entity.mime.ContentBody;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.hsegenius.HseGeniusValidation;
import io.hsepipeline.records.ValidatedRecord;
import io.hsepipeline.failure.Failures.FailureReport;
import io.hsepipeline.failure.ServiceFailure;
import io.hsepipeline.http.PdfStream;
import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.outcome.DocumentOutcomes;
import io.hsepipeline.share.PipelineSettings.WatchedFolder;
import io.hsepipeline.share.ShareFolders;
import io.hsepipeline.status.DocumentState;
import io.hsepipeline.records.StatusRecord;

/**
 * What the two delivery stages (4HSE, QEHS) share: reading a validated record, their per-record journal
 * entries ({@code .hse/<documentId>/<service>-<recordId>.json}), the ids they add to the document's result,
 * and whether both have delivered a record.
 */
@Component("deliveries")
public class Deliveries {

    public static final String FOURHSE = "fourhse";
    public static final String QEHS = "qehs";
    private static final List<String> SERVICES = List.of(FOURHSE, QEHS);
    private static final String DELIVERED_AT = "deliveredAt";

    private final ObjectMapper json;
    private final DocumentJournal journal;
    private final DocumentOutcomes documents;
    private final ShareFolders share;

    public Deliveries(ObjectMapper json, DocumentJournal journal, DocumentOutcomes documents, ShareFolders share) {
        this.json = json;
        this.journal = journal;
        this.documents = documents;
        this.share = share;
    }

    /** The consumed value as a record; one that is not a validated record can never be delivered. */
    public ValidatedRecord read(String value) {
        try {
            ValidatedRecord record = json.readValue(value, ValidatedRecord.class);
            if (record.recordId() == null || record.recordId().isBlank() || record.documentId() == null
                    || !record.documentId().matches("[0-9a-f]{64}")) {
                throw new IOException("recordId and documentId (64 hex digits) are required");
            }
            return record;
        } catch (IOException e) {
            throw new ServiceFailure("pipeline", "invalid-record", "Not a hse.records.validated record: " + e.getMessage(),
                    "Publish records that fit schemas/hse.records.validated.schema.json.");
        }
    }

    public <T> Optional<T> state(String service, ValidatedRecord record, Class<T> type) {
        return journal.read(record.documentId(), entry(service, record), type);
    }

    /** Journals what a stage did for a record, before its next outside call. */
    public <T> T save(String service, ValidatedRecord record, T state) {
        journal.write(record.documentId(), entry(service, record), state);
        return state;
    }

    public boolean isDelivered(String service, ValidatedRecord record) {
        return state(service, record, JsonNode.class).map(s -> s.hasNonNull(DELIVERED_AT)).orElse(false);
    }

    public boolean allDelivered(ValidatedRecord record) {
        return SERVICES.stream().allMatch(service -> isDelivered(service, record));
    }

    /** The service's ids for the record, into the document's result (and its done/ sidecar), keyed by record id. */
    public void addIds(String service, ValidatedRecord record, Map<String, Object> ids) {
        Map<String, Object> entry = new LinkedHashMap<>(ids);
        entry.put("failure", null);
        documents.addResult(record.documentId(), Map.of(service, Map.of(record.recordId(), entry)));
    }

    /**
     * Why the service could not take the record, into the document's result: a document that already ended
     * in done/ keeps its place, so its sidecar is where users see a failed delivery.
     */
    public void addFailure(String service, ValidatedRecord record, FailureReport failure) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("reason", failure.reason());
        detail.put("detail", failure.detail());
        detail.put("at", Instant.now().toString());
        documents.addResult(record.documentId(), Map.of(service, Map.of(record.recordId(), Map.of("failure", detail))));
    }

    /**
     * The document is done: HSE Genius handed on every record it published (journal entry {@code validate}),
     * and both services have each of them. Asked by whichever of the two finishes last.
     */
    public boolean documentDone(String documentId) {
        JsonNode validate = journal.read(documentId, HseGeniusValidation.ENTRY, JsonNode.class).orElse(null);
        if (validate == null || !validate.path("finished").asBoolean(false) || validate.path("published").isEmpty()) {
            return false;
        }
        for (Iterator<String> ids = validate.path("published").fieldNames(); ids.hasNext(); ) {
            String recordId = ids.next();
            for (String service : SERVICES) {
                boolean delivered = journal.read(documentId, entry(service, recordId), JsonNode.class)
                        .map(state -> state.hasNonNull(DELIVERED_AT)).orElse(false);
                if (!delivered) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The document's DELIVERED status once 4HSE and QEHS both have the record; null while one still lacks it. */
    public StatusRecord deliveredStatus(ValidatedRecord record, String stage) {
        return allDelivered(record)
                ? documents.status(record.documentId(), DocumentState.DELIVERED.name(), stage) : null;
    }

    public Optional<WatchedFolder> folder(ValidatedRecord record) {
        return share.watchedFolder(record.watchedFolder());
    }

    /** The document's source PDF, wherever it is now (processing/, or where the document ended). */
    public Path pdf(ValidatedRecord record) {
        return documents.pdfPath(record.documentId()).orElseThrow(() -> new ServiceFailure("pipeline", "pdf-missing",
                "The source PDF of document " + record.documentId() + " is neither in processing/ nor where it ended",
                "Put the PDF back (its journal is in .hse/" + record.documentId() + "), then replay the dead letter."));
    }

    /**
     * The source PDF as a multipart part, streamed when the request is written: found and opened under the
     * document's lock (the batch may be moving it from processing/ to done/ meanwhile), never whole in memory.
     */
    public ContentBody pdfBody(ValidatedRecord record, String fileName) throws IOException {
        long size = locked(record, () -> Files.size(share.regularFile(pdf(record))));
        return PdfStream.body(() -> locked(record, () -> share.openPdf(pdf(record))), size, fileName);
    }

    private interface FileAction<T> {
        T run() throws IOException;
    }

    private <T> T locked(ValidatedRecord record, FileAction<T> action) throws IOException {
        try {
            return journal.exclusively(record.documentId(), () -> {
                try {
                    return action.run();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Journal entry name: record ids are free text, so anything unsafe in a file name becomes its UUIDv5. */
    static String entry(String service, ValidatedRecord record) {
        return entry(service, record.recordId());
    }

    private static String entry(String service, String id) {
        return service + "-" + (id.matches("[A-Za-z0-9._-]{1,100}") ? id : NameBasedIds.of("record", id));
    }
}
