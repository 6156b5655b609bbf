package io.hsepipeline.extract;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.hypatos.HypatosRequest;
import io.hsepipeline.journal.DocumentJournal;

/**
 * Telling Hypatos whether a document's transfer succeeded ({@code direct:hypatos-transfer}), once per document:
 * the {@code hypatos-transfer} journal entry records what was sent, and a second call sends nothing.
 * The request is a map {@code {hypatosDocumentId, successful, message?, documentId?}}; without our document id
 * the document is found by its Hypatos id in the {@code extract} entries.
 */
@Component("hypatosTransfer")
public class HypatosTransfer {

    /** Journal entry: the transfer feedback Hypatos accepted. */
    public static final String ENTRY = "hypatos-transfer";

    private static final Logger LOG = LoggerFactory.getLogger(HypatosTransfer.class);

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

    public boolean alreadySent(String documentId) {
        Optional<Map> sent = journal.read(documentId, ENTRY, Map.class);
        sent.ifPresent(entry -> LOG.info("Document {}: transfer already reported to Hypatos at {}", documentId,
                entry.get("at")));
        return sent.isPresent();
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

    public void sent(String documentId, Map<String, Object> request) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("hypatosDocumentId", hypatosDocumentId(request));
        entry.put("successful", Boolean.TRUE.equals(request.get("successful")));
        entry.put("message", request.get("message"));
        entry.put("at", Instant.now().toString());
        journal.write(documentId, ENTRY, entry);
        LOG.info("Document {}: transfer reported to Hypatos (successful: {})", documentId, entry.get("successful"));
    }

    private static String hypatosDocumentId(Map<String, Object> request) {
        Object id = request.get("hypatosDocumentId");
        if (id == null || id.toString().isBlank()) {
            throw new IllegalArgumentException("A Hypatos transfer needs hypatosDocumentId: " + request.keySet());
        }
        return id.toString();
    }
}
