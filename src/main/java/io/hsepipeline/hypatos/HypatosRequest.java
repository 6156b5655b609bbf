package io.hsepipeline.hypatos;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.hc.core5.http.HttpEntity;

/**
 * The upload of a PDF to Hypatos, for {@code direct:hypatos-call}: the path under HYPATOS_BASE_URL, and what to
 * send (the file streamed from the share). The other Hypatos calls are made in the routes.
 *
 * @param query       URL query without '?', or null
 * @param contentType of the payload, or null when there is none
 * @param fileName    sent as X-Hy-Filename (uploads only), or null
 * @param payload     a JSON string, the file as an HttpEntity (streamed), or null
 */
public record HypatosRequest(String method, String path, String query, String contentType, String fileName,
                             Object payload) {

    public static HypatosRequest upload(String fileName, HttpEntity pdf) {
        return new HypatosRequest("POST", "/files", null, "application/pdf", fileName, pdf);
    }

    /** The request's own headers (Content-Type, X-Hy-Filename), for the service call's variable httpHeaders. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        if (fileName != null) {
            headers.put("X-Hy-Filename", fileName);
        }
        return headers;
    }
}
