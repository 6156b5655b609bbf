package io.hsepipeline.hsegenius;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The HSE Genius filter and field names the pipeline relies on. The vendor's page names none of them ("additional
 * filters via filterset, see Swagger"), so each is a setting whose default is the sandbox's assumption.
 *
 * @param uploadFilter       query filter of GET /api/files/imported/ and /api/files/hp-finder/ by upload (HSEGENIUS_UPLOAD_FILTER)
 * @param recordUploadField  field of a listed record that holds its upload's id (HSEGENIUS_RECORD_UPLOAD_FIELD)
 * @param validateSelection  body filter of validate-constraint and validate that selects record ids (HSEGENIUS_VALIDATE_SELECTION)
 * @param historyUploadFilter filter in the History body that selects an upload's records (HSEGENIUS_HISTORY_UPLOAD_FILTER)
 */
@Component
public record HseGeniusNames(
        @Value("${hse.hsegenius.names.upload-filter}") String uploadFilter,
        @Value("${hse.hsegenius.names.record-upload-field}") String recordUploadField,
        @Value("${hse.hsegenius.names.validate-selection}") String validateSelection,
        @Value("${hse.hsegenius.names.history-upload-filter}") String historyUploadFilter) {

    public static final String UPLOAD_FILTER = "HSEGENIUS_UPLOAD_FILTER";
    public static final String RECORD_UPLOAD_FIELD = "HSEGENIUS_RECORD_UPLOAD_FIELD";
    public static final String VALIDATE_SELECTION = "HSEGENIUS_VALIDATE_SELECTION";
    public static final String HISTORY_UPLOAD_FILTER = "HSEGENIUS_HISTORY_UPLOAD_FILTER";

    /** The query string of a list that selects one upload's records. */
    public String uploadQuery(String uploadId) {
        return java.net.URLEncoder.encode(uploadFilter, java.nio.charset.StandardCharsets.UTF_8) + "="
                + java.net.URLEncoder.encode(uploadId, java.nio.charset.StandardCharsets.UTF_8);
    }
}
