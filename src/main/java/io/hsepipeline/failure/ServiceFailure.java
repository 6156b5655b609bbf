package io.hsepipeline.failure;

/**
 * A service's answer that retrying cannot change (a 4xx other than 408 and 429, a refused document, a
 * final state such as Hypatos' {@code failed}): the document fails with this reason.
 *
 * @see Failures
 */
public class ServiceFailure extends RuntimeException {

    private final String service;
    private final String reason;
    private final String action;

    public ServiceFailure(String service, String reason, String detail, String action) {
        super(detail);
        this.service = service;
        this.reason = reason;
        this.action = action;
    }

    public String service() {
        return service;
    }

    public String reason() {
        return reason;
    }

    public String action() {
        return action;
    }
}
