package io.hsepipeline.intake;

/** The first file seen with a document's bytes, kept so that a later copy can name it. */
public record LedgerEntry(String documentId, String fileName, String watchedFolder, String receivedAt) {
}
