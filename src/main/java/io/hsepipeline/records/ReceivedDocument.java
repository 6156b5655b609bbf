package io.hsepipeline.records;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The value of a {@code hse.documents.received} record (schema: schemas/hse.documents.received.schema.json).
 *
 * @param subfolder where the file was under its watched folder ({@code a/b}), kept in done/, error/ and
 *                  duplicate/; null (and left out of the record) for a file directly in the watched folder
 */
public record ReceivedDocument(String documentId, String fileName, String watchedFolder, long size, String sha256,
                               String receivedAt, List<String> eerCodes,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String subfolder) {

    /** A document dropped directly into its watched folder. */
    public ReceivedDocument(String documentId, String fileName, String watchedFolder, long size, String sha256,
                            String receivedAt, List<String> eerCodes) {
        this(documentId, fileName, watchedFolder, size, sha256, receivedAt, eerCodes, null);
    }
}
