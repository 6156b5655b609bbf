package io.hsepipeline.extract;

import io.hsepipeline.records.ReceivedDocument;

/**
 * One due check of a document at Hypatos (ExtractService.due), the body of direct:extract-check.
 *
 * @param documentId        our document id
 * @param hypatosDocumentId the Hypatos document to check
 * @param state             the Hypatos state the last check saw (null before the first)
 * @param waitedSeconds     since process-file was answered
 * @param overdue           still not done (and not in review) after HSE_EXTRACT_MAX_WAIT: fails without a check
 * @param received          the received record, the body of the dead letter should the document fail
 */
public record ExtractCheck(String documentId, String hypatosDocumentId, String state, long waitedSeconds,
                           boolean overdue, ReceivedDocument received) {
}
