package io.hsepipeline.status;

/** A document's life cycle, as written to {@code hse.documents.status}. */
public enum DocumentState {
    RECEIVED, EXTRACTING, EXTRACTED, UPLOADED, PARSED, VALIDATED, PUBLISHED, DELIVERED, DONE,
    REJECTED, DUPLICATE, FAILED
}
