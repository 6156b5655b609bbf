package io.hsepipeline.fourhse;


import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Journal entry {@code fourhse-<recordId>}: the ids chosen for one record at 4HSE (all derived from the record
 * id, so the same on every attempt), written before the first call, and when 4HSE had them all. Which calls are
 * done is kept by the route's idempotentConsumer blocks, not here.
 *
 * @param actionId  the action the certificate is linked to, or null when the folder names none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FourHseDelivery(String recordId, String certificateId, String tenantId, String actionId,
                              String attachmentPath, String deliveredAt) {

    FourHseDelivery delivered(String at) {
        return new FourHseDelivery(recordId, certificateId, tenantId, actionId, attachmentPath, at);
    }
}
