package io.hsepipeline.fourhse;

import io.hsepipeline.delivery.Deliveries;
import io.hsepipeline.failure.ServiceFailure;

/**
 * FOURHSE_PROJECT_NAME names several active safety projects at 4HSE: thrown by routes/50-fourhse.camel.yaml
 * ({@code throwException}, which builds it from the detail), a failure only users can fix.
 */
public class FourHseProjectAmbiguous extends ServiceFailure {

    public FourHseProjectAmbiguous(String detail) {
        super(Deliveries.FOURHSE, "project-ambiguous", detail, FourHseProjectNotFound.ACTION);
    }
}
