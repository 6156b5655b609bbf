package io.hsepipeline.fourhse;

import io.hsepipeline.delivery.Deliveries;
import io.hsepipeline.failure.ServiceFailure;

/**
 * FOURHSE_PROJECT_NAME names no active safety project at 4HSE: thrown by routes/50-fourhse.camel.yaml
 * ({@code throwException}, which builds it from the detail), a failure only users can fix.
 */
public class FourHseProjectNotFound extends ServiceFailure {

    /** What users must do about a project that is missing or ambiguous. */
    static final String ACTION = "Set FOURHSE_PROJECT_NAME to the exact name of one active safety project the 4HSE "
            + "user can see, then replay the dead letter.";

    public FourHseProjectNotFound(String detail) {
        super(Deliveries.FOURHSE, "project-not-found", detail, ACTION);
    }
}
