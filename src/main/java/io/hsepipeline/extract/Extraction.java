package io.hsepipeline.extract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The {@code extract} journal entry: what was done at Hypatos for one document, written before each next
 * call so that a restart neither uploads nor processes twice, and when the document is checked next.
 *
 * @param fileId             Hypatos' id of the uploaded PDF, once uploaded
 * @param hypatosDocumentId  Hypatos' document made from it, once process-file answered (or a look-up found it)
 * @param phase              UPLOADED, then POLLING until the document ended (its extracted record is on Kafka,
 *                           or it failed); EXTRACTED, FAILED and PUBLISHING were written by earlier versions
 * @param pollingSince       when process-file was answered
 * @param nextPollAt         when the poller checks the document next
 * @param waitMillis         the wait before nextPollAt; the next one grows from it
 * @param state              the last Hypatos state seen
 * @param reviewSince        since when the document waits for review in Hypatos, if it does
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Extraction(String fileId, String hypatosDocumentId, Phase phase, String pollingSince,
                         String nextPollAt, Long waitMillis, String state, String reviewSince) {

    public enum Phase { UPLOADED, POLLING, PUBLISHING, EXTRACTED, FAILED }

    static Extraction none() {
        return new Extraction(null, null, null, null, null, null, null, null);
    }

    Extraction withFile(String id) {
        return new Extraction(id, hypatosDocumentId, Phase.UPLOADED, pollingSince, nextPollAt, waitMillis, state, reviewSince);
    }

    Extraction polling(String documentId, String since, String next, long wait) {
        return new Extraction(fileId, documentId, Phase.POLLING, since, next, wait, state, reviewSince);
    }

    Extraction nextPoll(String next, long wait, String seen, String review) {
        return new Extraction(fileId, hypatosDocumentId, phase, pollingSince, next, wait, seen, review);
    }
}
