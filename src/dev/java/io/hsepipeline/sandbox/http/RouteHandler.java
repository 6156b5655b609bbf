package io.hsepipeline.sandbox.http;

/** Answers one route of a service API. */
@FunctionalInterface
public interface RouteHandler {

    ApiResponse handle(ApiRequest request);
}
