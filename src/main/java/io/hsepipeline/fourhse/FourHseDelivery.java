package io.hsepipeline.fourhse;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Journal entry {@code fourhse-<recordId>}: the ids chosen for one record at 4HSE (all derived from the record
 * id, so the same on every attempt) and the calls 4HSE has acknowledged, each written before the next call.
 *
 * @param actionId  the action the certificate is linked to, or null when the folder names none
 * @param done      acknowledged steps: certificate, action, attachment, link
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FourHseDelivery(String recordId, String certificateId, String tenantId, String actionId,
                              String attachmentPath, List<String> done, String deliveredAt) {

    public static final String CERTIFICATE = "certificate";
    public static final String ACTION = "action";
    public static final String ATTACHMENT = "attachment";
    public static final String LINK = "link";

    public FourHseDelivery {
        done = done == null ? List.of() : List.copyOf(done);
    }

    public boolean has(String step) {
        return done.contains(step);
    }

    /** Whether the action link is still to make: the folder names an action and 4HSE has not acknowledged it. */
    public boolean needsAction() {
        return actionId != null && !has(ACTION);
    }

    FourHseDelivery with(String step) {
        List<String> steps = new ArrayList<>(done);
        if (!steps.contains(step)) {
            steps.add(step);
        }
        return new FourHseDelivery(recordId, certificateId, tenantId, actionId, attachmentPath, steps, deliveredAt);
    }

    FourHseDelivery delivered(String at) {
        return new FourHseDelivery(recordId, certificateId, tenantId, actionId, attachmentPath, done, at);
    }
}
