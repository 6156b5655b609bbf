package io.hsepipeline.sandbox.contract;

/** One way a request breaks its service's OpenAPI contract: the validator's key and message. */
public record ContractViolation(String key, String message) {

    public boolean unknownPath() {
        return key.equals("validation.request.path.missing");
    }

    public boolean methodNotAllowed() {
        return key.equals("validation.request.operation.notAllowed");
    }

    public boolean unsupportedContentType() {
        return key.startsWith("validation.request.contentType");
    }

    /** The HTTP status a server gives for this kind of violation: 404 and 405 for routing, else 400. */
    public int status() {
        if (unknownPath()) {
            return 404;
        }
        return methodNotAllowed() ? 405 : 400;
    }
}
