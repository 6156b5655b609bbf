package io.hsepipeline.fourhse;


import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.hsepipeline.delivery.NameBasedIds;

/**
 * Journal entry {@code fourhse-<recordId>}: the ids chosen for one record at 4HSE (all derived from the record
 * id, so the same on every attempt), written before the first call, and when 4HSE had them all. Which calls are
 * done is kept by the route's idempotentConsumer blocks, not here.
 *
 * @param actionId            the action the certificate is linked to, or null when the folder names none
 * @param certificateActionId the id of that link (routes/mappings/fourhse-action-link.jsonata)
 * @param entityAttachmentId  the id of the attachment's link to the certificate (fourhse-attachment-link.jsonata)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FourHseDelivery(String recordId, String certificateId, String tenantId, String actionId,
                              String attachmentPath, String certificateActionId, String entityAttachmentId,
                              String deliveredAt) {

    /** The ids of a record's delivery, each derived from the record id, so the same on every attempt. */
    static FourHseDelivery derived(String recordId, String certificateId, String tenantId, String actionId,
                                   String attachmentPath) {
        return new FourHseDelivery(recordId, certificateId, tenantId, actionId, attachmentPath,
                actionId == null ? null : NameBasedIds.of(certificateId, actionId),
                NameBasedIds.of(certificateId, attachmentPath), null);
    }

    /** An entry an earlier version journaled lacks the link ids: derived the same way. */
    FourHseDelivery withLinkIds() {
        boolean complete = entityAttachmentId != null && (actionId == null || certificateActionId != null);
        return complete ? this : derived(recordId, certificateId, tenantId, actionId, attachmentPath).delivered(deliveredAt);
    }

    FourHseDelivery delivered(String at) {
        return new FourHseDelivery(recordId, certificateId, tenantId, actionId, attachmentPath, certificateActionId,
                entityAttachmentId, at);
    }
}
