package io.hsepipeline.fourhse;

import io.hsepipeline.delivery.Deliveries;
import io.hsepipeline.failure.ServiceFailure;

/**
 * 4HSE holds a certificate under the id derived from a record, but not one made for that record: thrown by
 * routes/50-fourhse.camel.yaml ({@code throwException}, which builds it from the detail) rather than adopting it.
 */
public class FourHseCertificateIdTaken extends ServiceFailure {

    public FourHseCertificateIdTaken(String detail) {
        super(Deliveries.FOURHSE, "certificate-id-taken", detail,
                "Ask 4HSE who created that certificate; the id is derived from the record id.");
    }
}
