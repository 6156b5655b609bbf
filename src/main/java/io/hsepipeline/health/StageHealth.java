package io.hsepipeline.health;

import java.util.Iterator;
import java.util.Map;

import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * "stages" in /actuator/health and the readiness group: one entry per stage that calls a service, UP while it
 * runs, PAUSED while its service is down. PAUSED answers 200 (management.endpoint.health.status.http-mapping),
 * so one service's outage shows in readiness without taking the pod off its Service; only Kafka does that.
 */
@Component("stages")
public class StageHealth implements CompositeHealthContributor {

    public static final Status PAUSED = new Status("PAUSED", "the stage's service does not answer; its consumer is paused");

    private final ServiceSupervisor supervisor;

    public StageHealth(ServiceSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public HealthContributor getContributor(String name) {
        return supervisor.stages().containsKey(name) ? indicator(name) : null;
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return supervisor.stages().keySet().stream()
                .map(name -> NamedContributor.of(name, (HealthContributor) indicator(name))).iterator();
    }

    private HealthIndicator indicator(String stage) {
        return () -> {
            Map<String, ServiceSupervisor.StageState> stages = supervisor.stages();
            ServiceSupervisor.StageState state = stages.get(stage);
            Health.Builder health = state.pausedSince() == null ? Health.up() : Health.status(PAUSED)
                    .withDetail("pausedSince", state.pausedSince().toString());
            return health.withDetail("service", state.service()).withDetail("routes", state.routes()).build();
        };
    }
}
