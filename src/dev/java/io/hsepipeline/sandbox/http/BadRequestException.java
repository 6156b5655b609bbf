package io.hsepipeline.sandbox.http;

/** A request the sandbox cannot even read (bad JSON, bad multipart); answered with the service's 400. */
public final class BadRequestException extends RuntimeException {

    public BadRequestException(String message) {
        super(message);
    }
}
