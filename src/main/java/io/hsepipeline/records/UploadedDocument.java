package io.hsepipeline.records;

import java.util.List;

/** The value of a {@code hse.documents.uploaded} record (schema: schemas/hse.documents.uploaded.schema.json). */
public record UploadedDocument(String documentId, String fileName, String watchedFolder, String hsegeniusUploadId,
                               String title, List<String> eerCodes, String hypatosDocumentId, String uploadedAt) {
}
