package io.hsepipeline.records;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.hsepipeline.status.DocumentState;

/**
 * The value of a {@code hse.documents.status} record: the latest state of one document (the topic is
 * compacted and keyed by document id).
 *
 * @param stage  the route stage that wrote it ({@code intake}, {@code extract}, ...)
 * @param reason short reason for FAILED, otherwise absent
 * @param detail readable explanation for FAILED, otherwise absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatusRecord(String documentId, DocumentState state, String stage, String fileName,
                           String watchedFolder, String time, String reason, String detail) {

    /** The CloudEvents id: one state per document is one event, whoever writes it again. */
    public String eventId() {
        return documentId + "." + state;
    }
}
