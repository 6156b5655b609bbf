package io.hsepipeline.sandbox.inspect;

import io.hsepipeline.sandbox.fault.RuntimeKnobs;
import io.hsepipeline.sandbox.http.ApiRequest;
import io.hsepipeline.sandbox.http.ApiResponse;
import io.hsepipeline.sandbox.http.BadRequestException;
import io.hsepipeline.sandbox.http.Routes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The /_sandbox endpoints, served on every stand-in's port: calls and entities per service, stats,
 * faults (read and change the knobs) and reset. Never contract-checked, never slowed by faults.
 */
public final class InspectionEndpoints {

    private final Map<String, InspectedService> services;
    private final RuntimeKnobs knobs;
    private final Runnable resetShared;
    private final Routes routes = new Routes();

    public InspectionEndpoints(Map<String, InspectedService> services, RuntimeKnobs knobs, Runnable resetShared) {
        this.services = services;
        this.knobs = knobs;
        this.resetShared = resetShared;
        routes.get("/_sandbox/stats", r -> ApiResponse.json(200, stats()))
                .get("/_sandbox/faults", r -> ApiResponse.json(200, knobs.settings().describe()))
                .post("/_sandbox/faults", this::changeFaults)
                .post("/_sandbox/reset", r -> reset())
                .get("/_sandbox/{service}/calls", this::calls)
                .get("/_sandbox/{service}/entities", this::entities);
    }

    public ApiResponse handle(ApiRequest request) {
        try {
            return routes.match(request)
                    .map(match -> match.handler().handle(match.request()))
                    .orElseGet(() -> problem(404, "no sandbox endpoint " + request.method() + " " + request.path()));
        } catch (BadRequestException | IllegalArgumentException e) {
            return problem(400, e.getMessage());
        }
    }

    private ApiResponse calls(ApiRequest request) {
        InspectedService service = services.get(request.pathParam("service"));
        if (service == null) {
            return unknownService(request);
        }
        String limit = request.queryParam("limit");
        return ApiResponse.json(200, service.calls().recent(limit == null ? 0 : Integer.parseInt(limit)));
    }

    private ApiResponse entities(ApiRequest request) {
        InspectedService service = services.get(request.pathParam("service"));
        return service == null ? unknownService(request) : ApiResponse.json(200, service.entities().get());
    }

    private ApiResponse changeFaults(ApiRequest request) {
        return ApiResponse.json(200, knobs.apply(request.json()).describe());
    }

    private ApiResponse reset() {
        services.values().forEach(service -> {
            service.reset().run();
            service.calls().clear();
            service.stats().clear();
        });
        knobs.reset();
        resetShared.run();
        return ApiResponse.json(200, Map.of("reset", true));
    }

    private Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        services.forEach((name, service) -> stats.put(name, service.stats().describe()));
        return stats;
    }

    private ApiResponse unknownService(ApiRequest request) {
        return problem(404, "unknown service '" + request.pathParam("service") + "', known: " + services.keySet());
    }

    private static ApiResponse problem(int status, String detail) {
        return ApiResponse.json(status, Map.of("status", status, "detail", detail));
    }
}
