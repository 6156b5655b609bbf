package io.hsepipeline.records;

import java.util.List;
import java.util.Map;

/**
 * The value of a {@code hse.documents.extracted} record (schema: schemas/hse.documents.extracted.schema.json).
 *
 * @param entities Hypatos' entities object as Hypatos returned it
 * @param eerCodes the watched folder's default EER codes, from the received record
 */
public record ExtractedDocument(String documentId, String fileName, String watchedFolder, String hypatosDocumentId,
                                String hypatosFileId, String hypatosState, Map<String, Object> entities,
                                List<String> eerCodes, String extractedAt) {
}
