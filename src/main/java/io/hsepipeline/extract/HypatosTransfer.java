package io.hsepipeline.extract;

import org.springframework.stereotype.Component;

import io.hsepipeline.journal.DocumentJournal;

/**
 * Telling Hypatos whether a document's transfer succeeded ({@code direct:hypatos-transfer}), once per document
 * (the route's idempotentConsumer keeps the key {@code <documentId>/hypatos-transfer}).
 * The request is a map {@code {hypatosDocumentId, successful, message?, documentId?}} (its body is made by
 * routes/mappings/hypatos-transfer.jsonata); without our document id the route has the document found here, by
 * its Hypatos id in the {@code extract} entries.
 */
@Component("hypatosTransfer")
public class HypatosTransfer {

    private final DocumentJournal journal;
    private final ExtractService extract;

    public HypatosTransfer(DocumentJournal journal, ExtractService extract) {
        this.journal = journal;
        this.extract = extract;
    }

    /** The document extracted here as Hypatos document hypatosId (a transfer request without our document id). */
    public String documentOf(String hypatosId) {
        if (hypatosId == null || hypatosId.isBlank()) {
            throw new IllegalArgumentException("A Hypatos transfer needs hypatosDocumentId or documentId");
        }
        return journal.documentsWith(ExtractService.ENTRY).stream()
                .filter(id -> hypatosId.equals(extract.journaled(id).hypatosDocumentId()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No document of this share is Hypatos document "
                        + hypatosId + "; pass documentId with the transfer"));
    }
}
