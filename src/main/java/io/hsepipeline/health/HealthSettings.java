package io.hsepipeline.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** hse.health.*: when a service counts as down, how it is probed, and which routes its outage pauses. */
@Component
public class HealthSettings {

    private final int failureThreshold;
    private final long probeIntervalMillis;
    private final long probeTimeoutMillis;
    private final long holdMaxMillis;
    private final Map<String, String> probeUrls = new LinkedHashMap<>();
    private final Map<String, Stage> stages = new LinkedHashMap<>();

    public HealthSettings(@Value("${hse.health.failure-threshold}") int failureThreshold,
                          @Value("${hse.health.probe-interval-millis}") long probeIntervalMillis,
                          @Value("${hse.health.probe-timeout-millis}") long probeTimeoutMillis,
                          @Value("${hse.health.hold-max-millis}") long holdMaxMillis,
                          @Value("${hse.hypatos.base-url}") String hypatos,
                          @Value("${hse.hsegenius.base-url}") String hsegenius,
                          @Value("${hse.fourhse.base-url}") String fourhse,
                          @Value("${hse.qehs.base-url}") String qehs,
                          @Value("${hse.health.paused-routes.hypatos}") List<String> hypatosRoutes,
                          @Value("${hse.health.paused-routes.hsegenius}") List<String> hsegeniusRoutes,
                          @Value("${hse.health.paused-routes.fourhse}") List<String> fourhseRoutes,
                          @Value("${hse.health.paused-routes.qehs}") List<String> qehsRoutes) {
        this.failureThreshold = failureThreshold;
        this.probeIntervalMillis = probeIntervalMillis;
        this.probeTimeoutMillis = probeTimeoutMillis;
        this.holdMaxMillis = holdMaxMillis;
        probeUrls.put("hypatos", hypatos);
        probeUrls.put("hsegenius", hsegenius);
        probeUrls.put("fourhse", fourhse);
        probeUrls.put("qehs", qehs);
        // each stage is named as its dead-letter topic names it
        stages.put("hypatos", new Stage("extract", hypatosRoutes));
        stages.put("hsegenius", new Stage("hsegenius", hsegeniusRoutes));
        stages.put("fourhse", new Stage("fourhse", fourhseRoutes));
        stages.put("qehs", new Stage("qehs", qehsRoutes));
    }

    public int failureThreshold() {
        return failureThreshold;
    }

    public long probeIntervalMillis() {
        return probeIntervalMillis;
    }

    public long probeTimeoutMillis() {
        return probeTimeoutMillis;
    }

    public long holdMaxMillis() {
        return holdMaxMillis;
    }

    public String probeUrl(String service) {
        return probeUrls.get(service);
    }

    public Map<String, Stage> stages() {
        return stages;
    }

    /** A stage and the consumer routes that pause while its service is down. */
    public record Stage(String stage, List<String> routes) {
    }
}
