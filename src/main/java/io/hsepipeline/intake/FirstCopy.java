package io.hsepipeline.intake;

import io.hsepipeline.records.ReceivedDocument;

/**
 * The file that brought a document's bytes first, named in a later copy's duplicate sidecar (from the
 * document's journal; the names are null if only its PDF in processing/ is left to tell).
 */
public record FirstCopy(String documentId, String fileName, String watchedFolder, String receivedAt) {

    static FirstCopy of(ReceivedDocument document) {
        return new FirstCopy(document.documentId(), document.fileName(), document.watchedFolder(), document.receivedAt());
    }
}
