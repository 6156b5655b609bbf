package io.hsepipeline.hypatos;

import org.apache.hc.core5.http.HttpEntity;

/**
 * The upload of a PDF to Hypatos, for {@code direct:hypatos-upload}.
 *
 * @param fileName sent as X-Hy-Filename
 * @param pdf      the file, streamed from the share at send time (and again should a 401 make the call twice)
 */
public record HypatosUpload(String fileName, HttpEntity pdf) {
}
