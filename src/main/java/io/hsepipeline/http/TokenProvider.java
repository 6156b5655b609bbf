package io.hsepipeline.http;

import org.apache.camel.Exchange;

/**
 * A service's credentials for the service-call template (routes/01-service-call.camel.yaml): what goes on each
 * request, and what to forget when the service answers 401 so that the one call made again gets fresh ones.
 */
public interface TokenProvider {

    /** Puts the credentials on the request the exchange is about to send. */
    void authorize(Exchange exchange) throws Exception;

    /** The service refused the credentials this exchange sent (401). */
    void refused(Exchange exchange);
}
