package io.hsepipeline.hsegenius;

import java.util.List;

/** The value of a {@code hse.records.validated} record (schema: schemas/hse.records.validated.schema.json). */
public record ValidatedRecord(String recordId, String documentId, String fileName, String watchedFolder,
                              List<String> eerCodes, List<String> hpCodes, String product, String hypatosDocumentId,
                              String hypatosFileId, String hsegeniusUploadId, String hsegeniusRecordId,
                              String customer, String validatedAt) {
}
