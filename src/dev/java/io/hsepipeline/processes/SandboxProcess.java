package io.hsepipeline.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.hsepipeline.sandbox.Sandbox;
import io.hsepipeline.sandbox.SandboxSettings;

/** The four service stand-ins (SandboxMain) in their own JVM, with their inspection endpoints over HTTP. */
public final class SandboxProcess extends ChildProcess {

    private final Map<String, Integer> ports;

    SandboxProcess(List<String> command, Map<String, String> environment, Path workingDirectory, Path log,
                   Map<String, Integer> ports) {
        super("sandbox", command, environment, workingDirectory, log);
        this.ports = Map.copyOf(ports);
    }

    public int port(String service) {
        return ports.get(service);
    }

    /** The application's settings (base URLs, made-up credentials) pointing at this sandbox. */
    public Map<String, String> applicationSettings() {
        return Sandbox.applicationSettings(this::port);
    }

    /** Waits until every stand-in answers; returns the time since it was started. */
    public Duration awaitReady(Duration timeout) {
        awaitAlive("sandbox answering", timeout, () -> SandboxSettings.SERVICES.stream()
                .allMatch(service -> LoopbackHttp.status(port(service), "/_sandbox/stats") == 200));
        return Duration.between(startedAt(), Instant.now());
    }

    /** GET /_sandbox/{service}/entities: what the service holds now. */
    public JsonNode entities(String service) {
        return LoopbackHttp.getJson(port(service), "/_sandbox/" + service + "/entities");
    }

    /** GET /_sandbox/stats, one service's part: requests, responses, contractViolations, rateLimited, ... */
    public JsonNode stats(String service) {
        return LoopbackHttp.getJson(port(service), "/_sandbox/stats").path(service);
    }

    /** GET /_sandbox/stats: every service's requests, responses by status, rateLimited, ... */
    public JsonNode stats() {
        return LoopbackHttp.getJson(port(SandboxSettings.HYPATOS), "/_sandbox/stats");
    }

    /** GET /_sandbox/{service}/calls: the requests it received (the newest 20,000), oldest first. */
    public JsonNode calls(String service) {
        return LoopbackHttp.getJson(port(service), "/_sandbox/" + service + "/calls");
    }

    /** POST /_sandbox/faults: changes knobs at run time (see docs/sandbox.md). */
    public JsonNode faults(String json) {
        return LoopbackHttp.postJson(port(SandboxSettings.HYPATOS), "/_sandbox/faults", json);
    }
}
