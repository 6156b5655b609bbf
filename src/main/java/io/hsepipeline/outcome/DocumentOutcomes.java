package io.hsepipeline.outcome;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.hsepipeline.intake.IntakeService;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.share.ShareFolders;
import io.hsepipeline.status.DocumentState;
import io.hsepipeline.records.StatusRecord;

/**
 * How a document ends: its PDF leaves {@code processing/} for {@code done/} with {@code <name>.result.json}
 * (its ids at every service and its codes), or for {@code error/} with {@code <name>.error.json} (which
 * service refused it and why). Later stages keep adding to the result; the done/ sidecar follows.
 * Each method is safe to call again after a crash: an ended document stays where it ended.
 */
@Component
public class DocumentOutcomes {

    /** Journal entry: the document's result so far, and where it ended. */
    public static final String RESULT = "result";
    /** Result field: when the document's records went out; from then on a failure is a record's, not the file's. */
    public static final String PUBLISHED_AT = "publishedAt";

    private static final Logger LOG = LoggerFactory.getLogger(DocumentOutcomes.class);

    private final ShareFolders share;
    private final DocumentJournal journal;

    public DocumentOutcomes(ShareFolders share, DocumentJournal journal) {
        this.share = share;
        this.journal = journal;
    }

    /** Adds fields to the document's result (nested maps are merged), and to its done/ sidecar once it has one. */
    public void addResult(String documentId, Map<String, Object> fields) {
        journal.exclusively(documentId, () -> {
            Result result = result(documentId);
            merge(result.fields, fields);
            save(documentId, result);
            return result;
        });
    }

    /** Moves the PDF to done/ beside its result sidecar, and says so as a DONE status. */
    public StatusRecord complete(String documentId, String stage) {
        return journal.exclusively(documentId, () -> {
            ReceivedDocument received = received(documentId);
            Result result = end(documentId, received, DocumentState.DONE, ShareFolders.DONE);
            result.fields.putIfAbsent("completedAt", Instant.now().toString());
            save(documentId, result);
            return status(received, DocumentState.valueOf(result.endedAs), stage, null, null);
        });
    }

    /**
     * Moves the PDF to error/ with a sidecar saying which service refused it and why, and says so as a
     * FAILED status. A document that already ended keeps its first ending.
     */
    public StatusRecord fail(String documentId, String stage, String service, String reason, String detail, String action) {
        return journal.exclusively(documentId, () -> {
            ReceivedDocument received = received(documentId);
            Result current = result(documentId);
            if (!DocumentState.FAILED.name().equals(current.endedAs) && current.fields.containsKey(PUBLISHED_AT)) {
                // a delivery failed after the records went out: the file goes to done/ all the same, saying so
                merge(current.fields, Map.of("failures", Map.of(stage, failure(stage, service, reason, detail, action))));
                save(documentId, current);
                LOG.warn("Document {} ({}): {} failed ({}): {}: {}", documentId, received.fileName(), stage, service,
                        reason, detail);
                return status(received, DocumentState.FAILED, stage, reason, detail);
            }
            Result result = end(documentId, received, DocumentState.FAILED, ShareFolders.ERROR);
            if (DocumentState.FAILED.name().equals(result.endedAs)) {
                Map<String, Object> sidecar = failure(stage, service, reason, detail, action);
                sidecar.put("fileName", received.fileName());
                sidecar.put("watchedFolder", received.watchedFolder());
                if (received.subfolder() != null) {
                    sidecar.put("subfolder", received.subfolder());
                }
                sidecar.put("documentId", documentId);
                sidecar.put("result", result.fields);
                share.writeSidecar(Path.of(result.file), ".error.json", sidecar);
                LOG.warn("Document {} ({}) failed at {} ({}): {}: {} -> {}", documentId, received.fileName(), stage,
                        service, reason, detail, result.file);
            }
            return status(received, DocumentState.valueOf(result.endedAs), stage, reason, detail);
        });
    }

    private static Map<String, Object> failure(String stage, String service, String reason, String detail, String action) {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("stage", stage);
        failure.put("service", service);
        failure.put("reason", reason);
        failure.put("detail", detail);
        failure.put("time", Instant.now().toString());
        failure.put("action", action);
        return failure;
    }

    /**
     * Where the document ends: chosen and journaled once, before the move, so that a kill between the two
     * finishes the same move on the next call.
     */
    private Result end(String documentId, ReceivedDocument received, DocumentState state, String folder) {
        Result result = result(documentId);
        if (result.endedAs == null) {
            // a file taken from a subfolder of its watched folder ends in the same subfolder here
            Path target = share.freeName(share.folderFor(folder, received.subfolder()), received.fileName());
            result = new Result(result.fields, state.name(), target.toString());
            journal.write(documentId, RESULT, result);
        }
        Path pdf = share.processingPdf(documentId);
        if (Files.exists(pdf) && !Files.exists(Path.of(result.file))) {
            share.moveTo(pdf, Path.of(result.file));
            LOG.info("Document {} ({}) ended {} -> {}", documentId, received.fileName(), result.endedAs, result.file);
        }
        return result;
    }

    /** The document's PDF: in processing/ until it ends, then where it ended; empty if it is in neither. */
    public Optional<Path> pdfPath(String documentId) {
        Path processing = share.processingPdf(documentId);
        if (Files.exists(processing)) {
            return Optional.of(processing);
        }
        return journal.read(documentId, RESULT, Result.class)
                .filter(r -> r.file != null)
                .map(r -> Path.of(r.file))
                .filter(Files::exists);
    }

    /** The document's result so far (a copy): its ids at every service and its codes. */
    public Map<String, Object> fields(String documentId) {
        return result(documentId).fields;
    }

    /** A state change of a document, for {@code direct:document-status}. */
    public StatusRecord status(String documentId, String state, String stage) {
        return status(received(documentId), DocumentState.valueOf(state), stage, null, null);
    }

    private StatusRecord status(ReceivedDocument received, DocumentState state, String stage, String reason, String detail) {
        return new StatusRecord(received.documentId(), state, stage, received.fileName(), received.watchedFolder(),
                Instant.now().toString(), reason, detail);
    }

    private ReceivedDocument received(String documentId) {
        return journal.require(documentId, IntakeService.RECEIVED, ReceivedDocument.class);
    }

    private Result result(String documentId) {
        return journal.read(documentId, RESULT, Result.class)
                .map(r -> new Result(new LinkedHashMap<>(r.fields == null ? Map.of() : r.fields), r.endedAs, r.file))
                .orElseGet(() -> new Result(initialFields(documentId), null, null));
    }

    private Map<String, Object> initialFields(String documentId) {
        ReceivedDocument received = received(documentId);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("documentId", documentId);
        fields.put("fileName", received.fileName());
        fields.put("watchedFolder", received.watchedFolder());
        if (received.subfolder() != null) {
            fields.put("subfolder", received.subfolder());
        }
        fields.put("receivedAt", received.receivedAt());
        return fields;
    }

    private void save(String documentId, Result result) {
        journal.write(documentId, RESULT, result);
        // the sidecar goes beside the PDF once it is there: while the share refuses the move, the journal keeps all
        if (DocumentState.DONE.name().equals(result.endedAs) && result.file != null && Files.exists(Path.of(result.file))) {
            share.writeSidecar(Path.of(result.file), ".result.json", result.fields);
        }
    }

    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, Map<String, Object> fields) {
        fields.forEach((key, value) -> {
            if (value instanceof Map<?, ?> nested && into.get(key) instanceof Map<?, ?> existing) {
                Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) existing);
                merge(merged, (Map<String, Object>) nested);
                into.put(key, merged);
            } else {
                into.put(key, value);
            }
        });
    }

    /**
     * @param endedAs DONE or FAILED once the PDF left processing/, else null
     * @param file    where the PDF went
     */
    record Result(Map<String, Object> fields, String endedAs, String file) {
    }
}
