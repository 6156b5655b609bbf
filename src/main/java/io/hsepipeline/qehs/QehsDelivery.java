package io.hsepipeline.qehs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Journal entry {@code qehs-<recordId>}: the QEHS record made for a validated record, once QEHS answered. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QehsDelivery(String recordId, String moduleKey, String qehsRecordId, String deliveredAt) {
}
