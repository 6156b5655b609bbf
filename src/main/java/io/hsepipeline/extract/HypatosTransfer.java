package io.hsepipeline.extract;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.hypatos.HypatosRequest;
import io.hsepipeline.journal.DocumentJournal;

/**
 * Telling Hypatos whether a document's transfer succeeded ({@code direct:hypatos-transfer}), once per document
 * (the route's idempotentConsumer keeps the key {@code <documentId>/hypatos-transfer}).
 * The request is a map {@code {hypatosDocumentId, successful, message?, documentId?}}; without our document id
 * the document is found by its Hypatos id in the {@code extract} entries.
 */
@Component("hypatosTransfer")
public class HypatosTransfer {

    private final DocumentJournal journal;
    private final ExtractService extract;
    private final ObjectMapper json;

    public HypatosTransfer(DocumentJournal journal, ExtractService extract, ObjectMapper json) {
        this.journal = journal;
        this.extract = extract;
        this.json = json;
    }

    /** Our document id for the request, which must name a document extracted here. */
    public String documentOf(Map<String, Object> request) {
        Object given = request.get("documentId");
        if (given != null) {
            return given.toString();
        }
        String hypatosId = hypatosDocumentId(request);
        return journal.documentsWith(ExtractService.ENTRY).stream()
                .filter(id -> hypatosId.equals(extract.progress(id).hypatosDocumentId()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No document of this share is Hypatos document "
                        + hypatosId + "; pass documentId with the transfer"));
    }

    public HypatosRequest request(Map<String, Object> request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("successful", Boolean.TRUE.equals(request.get("successful")));
        if (request.get("message") != null) {
            body.put("message", request.get("message").toString());
        }
        try {
            return HypatosRequest.postJson("/documents/" + hypatosDocumentId(request) + "/transfer",
                    json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the transfer request", e);
        }
    }

    private static String hypatosDocumentId(Map<String, Object> request) {
        Object id = request.get("hypatosDocumentId");
        if (id == null || id.toString().isBlank()) {
            throw new IllegalArgumentException("A Hypatos transfer needs hypatosDocumentId: " + request.keySet());
        }
        return id.toString();
    }
}
