package io.hsepipeline.hsegenius;

import java.util.List;

/**
 * Journal entry {@code hsegenius}: the document's upload at HSE Genius and what came with it from extraction.
 *
 * @param announced the hse.documents.uploaded record and the UPLOADED status went out
 * @param confirmed the upload was confirmed for parsing
 */
public record HseGeniusUpload(String uploadId, String filename, String title, List<String> eerCodes,
                              String hypatosDocumentId, String hypatosFileId, String product, String uploadedAt,
                              boolean announced, boolean confirmed) {

    HseGeniusUpload withAnnounced() {
        return new HseGeniusUpload(uploadId, filename, title, eerCodes, hypatosDocumentId, hypatosFileId, product,
                uploadedAt, true, confirmed);
    }

    HseGeniusUpload withConfirmed() {
        return new HseGeniusUpload(uploadId, filename, title, eerCodes, hypatosDocumentId, hypatosFileId, product,
                uploadedAt, announced, true);
    }
}
