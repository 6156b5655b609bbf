package io.hsepipeline.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;

import io.hsepipeline.hsegenius.HseGeniusNames;
import io.hsepipeline.journal.DocumentJournal;

/**
 * Whether the HSE Genius batch can validate a document FAILED at stage validate again, or its retry has to make
 * the upload again: HSE Genius had its parse wait and lists none of the upload's records, parsed or validated
 * (it never parsed the upload, or its records were removed there), and none was published.
 */
@Component
class ValidateAgain {

    /** Journal entries: the upload at HSE Genius, and the batch's progress. */
    static final String UPLOAD_ENTRY = "hsegenius";
    static final String PROGRESS_ENTRY = "validate";
    private static final List<String> LISTS = List.of("/api/files/imported/", "/api/files/hp-finder/");

    private final DocumentJournal journal;
    private final ProducerTemplate camel;
    private final HseGeniusNames names;
    private final Duration parseMaxWait;

    ValidateAgain(DocumentJournal journal, ProducerTemplate camel, HseGeniusNames names,
                  @Value("${hse.hsegenius.parse-max-wait}") Duration parseMaxWait) {
        this.journal = journal;
        this.camel = camel;
        this.names = names;
        this.parseMaxWait = parseMaxWait;
    }

    /** True when the retry must re-drive the document from the upload. */
    @SuppressWarnings("unchecked")
    boolean needsNewUpload(String documentId) {
        Map<String, Object> upload = journal.read(documentId, UPLOAD_ENTRY, Map.class).orElse(null);
        if (upload == null || upload.get("uploadId") == null || upload.get("uploadedAt") == null) {
            return true;
        }
        Map<String, Object> progress = journal.read(documentId, PROGRESS_ENTRY, Map.class).orElse(Map.of());
        if (progress.get("published") instanceof Map<?, ?> published && !published.isEmpty()) {
            // records went out: only the batch may finish them, never a second upload
            return false;
        }
        if (Instant.parse(upload.get("uploadedAt").toString()).plus(parseMaxWait).isAfter(Instant.now())) {
            // HSE Genius may still be parsing it: the batch waits for it, and fails it as timeout if it never does
            return false;
        }
        String uploadId = upload.get("uploadId").toString();
        return LISTS.stream().noneMatch(list -> listsRecordsOf(uploadId, list));
    }

    private boolean listsRecordsOf(String uploadId, String list) {
        Exchange answer = camel.send("direct:hsegenius-call", exchange -> {
            exchange.getMessage().setBody(null);
            exchange.setVariable("httpMethod", "GET");
            exchange.setVariable("httpPath", list);
            exchange.setVariable("httpQuery", names.uploadQuery(uploadId));
        });
        if (answer.getException() != null) {
            throw new ApiProblem.Conflict("HSE Genius could not be asked whether it still has the records of upload "
                    + uploadId + " (GET " + list + ": " + answer.getException().getMessage() + "); retry once it answers.");
        }
        JsonNode records = answer.getMessage().getBody(JsonNode.class);
        if (records == null || !records.isArray()) {
            // an answer that is no list proves nothing gone: no second upload
            return true;
        }
        for (JsonNode record : records) {
            if (uploadId.equals(record.path(names.recordUploadField()).asText())) {
                return true;
            }
        }
        return false;
    }
}
