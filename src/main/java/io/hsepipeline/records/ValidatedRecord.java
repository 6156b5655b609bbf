package io.hsepipeline.records;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The value of a {@code hse.records.validated} record (schema: schemas/hse.records.validated.schema.json), as
 * the validate stage publishes it and the delivery stages read it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ValidatedRecord(String recordId, String documentId, String fileName, String watchedFolder,
                              List<String> eerCodes, List<String> hpCodes, String product, String hypatosDocumentId,
                              String hypatosFileId, String hsegeniusUploadId, String hsegeniusRecordId,
                              String customer, String validatedAt) {

    public ValidatedRecord {
        eerCodes = eerCodes == null ? List.of() : List.copyOf(eerCodes);
        hpCodes = hpCodes == null ? List.of() : List.copyOf(hpCodes);
    }
}
