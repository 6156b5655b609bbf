package io.hsepipeline.hsegenius;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Journal entry {@code hsegenius}: the document's upload at HSE Genius and what came with it from extraction.
 *
 * @param confirmed the upload was confirmed for parsing
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HseGeniusUpload(String uploadId, String filename, String title, List<String> eerCodes,
                              String hypatosDocumentId, String hypatosFileId, String product, String uploadedAt,
                              boolean confirmed) {

    HseGeniusUpload withConfirmed() {
        return new HseGeniusUpload(uploadId, filename, title, eerCodes, hypatosDocumentId, hypatosFileId, product,
                uploadedAt, true);
    }
}
