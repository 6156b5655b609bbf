package io.hsepipeline.extract;

import java.util.Map;

import org.springframework.stereotype.Component;

import io.hsepipeline.journal.DocumentJournal;

/**
 * Telling Hypatos whether a document's transfer succeeded ({@code direct:hypatos-transfer}), once per document
 * (the route's idempotentConsumer keeps the key {@code <documentId>/hypatos-transfer}).
 * The request is a map {@code {hypatosDocumentId, successful, message?, documentId?}} (its body is made by
 * routes/mappings/hypatos-transfer.jsonata); without our document id the document is found by its Hypatos id in
 * the {@code extract} entries.
 */
@Component("hypatosTransfer")
public class HypatosTransfer {

    private final DocumentJournal journal;
    private final ExtractService extract;

    public HypatosTransfer(DocumentJournal journal, ExtractService extract) {
        this.journal = journal;
        this.extract = extract;
    }

    /** Our document id for the request, which must name a document extracted here. */
    public String documentOf(Map<String, Object> request) {
        Object given = request.get("documentId");
        if (given != null) {
            return given.toString();
        }
        String hypatosId = hypatosDocumentId(request);
        return journal.documentsWith(ExtractService.ENTRY).stream()
                .filter(id -> hypatosId.equals(extract.journaled(id).hypatosDocumentId()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No document of this share is Hypatos document "
                        + hypatosId + "; pass documentId with the transfer"));
    }

    private static String hypatosDocumentId(Map<String, Object> request) {
        Object id = request.get("hypatosDocumentId");
        if (id == null || id.toString().isBlank()) {
            throw new IllegalArgumentException("A Hypatos transfer needs hypatosDocumentId: " + request.keySet());
        }
        return id.toString();
    }
}
