package io.hsepipeline.extract;

/**
 * What the extract route needs to know of a received record's document (ExtractService.progress): what was done
 * at Hypatos before (a replayed record, a restart) and whether the document already ended.
 *
 * @param fileId            Hypatos' id of the uploaded PDF, once uploaded
 * @param hypatosDocumentId Hypatos' document made from it, once process-file answered (the poller owns it)
 * @param ended             the document ended (done/ or error/): a replayed record has nothing left to do
 */
public record ExtractProgress(String fileId, String hypatosDocumentId, boolean ended) {

    public boolean uploaded() {
        return fileId != null;
    }

    public boolean processing() {
        return hypatosDocumentId != null;
    }
}
