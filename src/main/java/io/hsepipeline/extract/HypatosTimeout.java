package io.hsepipeline.extract;

import io.hsepipeline.failure.ServiceFailure;

/**
 * Hypatos did not finish a document within HSE_EXTRACT_MAX_WAIT: thrown by the extract-check route
 * (throwException, which gives the message only) for a check that ExtractService.due found overdue.
 */
public class HypatosTimeout extends ServiceFailure {

    public HypatosTimeout(String detail) {
        super(ExtractService.SERVICE, "timeout", detail,
                "Look at the document in Hypatos; drop the file again once Hypatos works.");
    }
}
