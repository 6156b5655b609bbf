package io.hsepipeline.preflight;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * The preflight's checks, run once at start-up in the background and shown per service as the health
 * components hypatos, hsegenius, fourhse and qehs (not in the readiness group: a service's trouble stops its
 * stage, not the others). UNKNOWN until the checks have run.
 */
@Configuration(proxyBeanMethods = false)
public class PreflightHealth {

    private static final Logger LOG = LoggerFactory.getLogger(PreflightHealth.class);

    private final Environment env;
    private final boolean atStart;
    private final Map<String, List<Preflight.Check>> results = new ConcurrentHashMap<>();

    public PreflightHealth(Environment env, @Value("${hse.preflight.at-start}") boolean atStart) {
        this.env = env;
        this.atStart = atStart;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void checkAtStart() {
        if (!atStart) {
            return;
        }
        Thread thread = new Thread(() -> {
            Preflight preflight = new Preflight(env);
            for (String service : Preflight.SERVICES) {
                List<Preflight.Check> checks = preflight.run(service);
                results.put(service, checks);
                checks.stream().filter(c -> !c.ok()).forEach(c -> LOG.warn("Preflight {}", c.line()));
            }
        }, "hse-preflight");
        thread.setDaemon(true);
        thread.start();
    }

    Health health(String service) {
        List<Preflight.Check> checks = results.get(service);
        if (checks == null) {
            return Health.unknown().withDetail("checks", atStart ? "running" : "off (HSE_PREFLIGHT_AT_START)").build();
        }
        Health.Builder health = checks.stream().allMatch(Preflight.Check::ok) ? Health.up() : Health.down();
        checks.forEach(c -> health.withDetail(c.name(), (c.ok() ? "ok: " : "FAIL: ") + c.detail() + (c.ok() ? "" : " -> " + c.fix())));
        return health.build();
    }

    @Bean
    HealthIndicator hypatosHealthIndicator() {
        return () -> health("hypatos");
    }

    @Bean
    HealthIndicator hsegeniusHealthIndicator() {
        return () -> health("hsegenius");
    }

    @Bean
    HealthIndicator fourhseHealthIndicator() {
        return () -> health("fourhse");
    }

    @Bean
    HealthIndicator qehsHealthIndicator() {
        return () -> health("qehs");
    }
}
