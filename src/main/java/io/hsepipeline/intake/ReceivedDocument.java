package io.hsepipeline.intake;

import java.util.List;

/** The value of a {@code hse.documents.received} record (schema: schemas/hse.documents.received.schema.json). */
public record ReceivedDocument(String documentId, String fileName, String watchedFolder, long size, String sha256,
                               String receivedAt, List<String> eerCodes) {
}
