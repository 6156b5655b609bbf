package io.hsepipeline.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.springframework.test.context.DynamicPropertyRegistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.sandbox.Sandbox;
import io.hsepipeline.sandbox.SandboxSettings;

/**
 * A sandbox of a test class's own, on ephemeral ports: the application's settings pointing at it, and its
 * inspection and knobs over HTTP, as a test reads them.
 */
public final class SandboxHttp implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Sandbox sandbox;

    private SandboxHttp(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    public static SandboxHttp start(Duration processingDelay) {
        return new SandboxHttp(Sandbox.start(SandboxSettings.defaults().withPorts(0, 0, 0, 0)
                .withProcessingDelay(processingDelay)));
    }

    /** A sandbox with these start knobs (the ports are always ephemeral); reset() comes back to them. */
    public static SandboxHttp start(SandboxSettings settings) {
        return new SandboxHttp(Sandbox.start(settings.withPorts(0, 0, 0, 0)));
    }

    /** Points the application at this sandbox, with the HSE Genius batch every second. */
    public void register(DynamicPropertyRegistry registry) {
        sandbox.applicationSettings().forEach((name, value) -> registry.add(name, () -> value));
        registry.add("hse.hsegenius.validate-cron", () -> "0/1 * * * * ?");
    }

    public int port(String service) {
        return sandbox.port(service);
    }

    public Map<String, String> applicationSettings() {
        return sandbox.applicationSettings();
    }

    @Override
    public void close() {
        sandbox.close();
    }

    /** GET /_sandbox/{service}/entities */
    public JsonNode entities(String service) {
        return get(service, "/_sandbox/" + service + "/entities");
    }

    /** GET /_sandbox/{service}/calls */
    public JsonNode calls(String service) {
        return get(service, "/_sandbox/" + service + "/calls");
    }

    /** GET /_sandbox/stats, one service's part: requests, injectedErrors, rateLimited, ... */
    public JsonNode stats(String service) {
        return get(service, "/_sandbox/stats").path(service);
    }

    /** POST /_sandbox/faults with the given JSON. */
    public void faults(String json) {
        send(HttpRequest.newBuilder(uri("hypatos", "/_sandbox/faults")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** POST /_sandbox/reset: every token, entity, call and count forgotten, the start knobs back. */
    public void reset() {
        send(HttpRequest.newBuilder(uri("hypatos", "/_sandbox/reset")).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private JsonNode get(String service, String path) {
        return send(HttpRequest.newBuilder(uri(service, path)).GET().build());
    }

    /** Sends a request to a sandbox and reads the JSON answer; any answer but 2xx fails the test. */
    public static JsonNode send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }


    private URI uri(String service, String path) {
        return URI.create("http://localhost:" + sandbox.port(service) + path);
    }
}
