package io.hsepipeline.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.Suspendable;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Watches each external service through the outcomes of its calls. After {@code hse.health.failure-threshold}
 * calls in a row got no answer, timed out or got a 5xx, the service counts as down: its stage's consumer
 * routes are suspended (Kafka keeps their records; nothing is taken that would only fail into a dead letter),
 * a record already in work is held in retry (see {@link #holds}), and the service is probed until it answers
 * again; then the routes resume by themselves. A supervisor rather than a circuit breaker: the breaker would
 * still take every record off Kafka and fail it, while pausing the consumer leaves the records where they are.
 */
@Component
public class ServiceSupervisor implements DisposableBean {

    /** Exchange property: when a record was first held because its service was down. */
    static final String HELD_SINCE = "hseHeldSince";
    /** Exchange property: the application stopped while the record was held; it stays on Kafka, uncommitted. */
    public static final String LEFT_ON_KAFKA = "hseLeftOnKafka";

    private static final Logger LOG = LoggerFactory.getLogger(ServiceSupervisor.class);

    private final CamelContext camel;
    private final HealthSettings settings;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final HttpClient http;
    private final ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "hse-service-probe");
        thread.setDaemon(true);
        return thread;
    });

    public ServiceSupervisor(@Lazy CamelContext camel, HealthSettings settings, MeterRegistry registry,
                             @Value("${hse.http.connect-timeout-millis}") long connectTimeoutMillis) {
        this.camel = camel;
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(connectTimeoutMillis)).build();
        settings.stages().forEach((service, stage) -> {
            Watch watch = new Watch(service, stage);
            watches.put(service, watch);
            Gauge.builder("hse.stage.paused", watch, w -> w.downSince == null ? 0 : 1)
                    .description("1 while the stage is paused because its service does not answer")
                    .tags("stage", stage.stage(), "service", service).register(registry);
        });
        probes.scheduleWithFixedDelay(this::probeDownServices, settings.probeIntervalMillis(),
                settings.probeIntervalMillis(), TimeUnit.MILLISECONDS);
    }

    /** One call's outcome: answered (any status but 5xx) or not. */
    public void observed(String service, boolean answered) {
        Watch watch = service == null ? null : watches.get(service);
        if (watch == null) {
            return;
        }
        if (answered) {
            watch.failuresInRow.set(0);
            if (watch.downSince != null) {
                up(watch);
            }
        } else if (watch.failuresInRow.incrementAndGet() >= settings.failureThreshold() && watch.downSince == null) {
            down(watch);
        }
    }

    public boolean isDown(String service) {
        Watch watch = service == null ? null : watches.get(service);
        return watch != null && watch.downSince != null;
    }

    /**
     * Whether a record whose retries are used up is tried again all the same: while its service is down, for at
     * most {@code hse.health.hold-max-millis} (below Kafka's max.poll.interval.ms, so its consumer keeps its
     * partitions); after that it becomes a dead letter, to be replayed.
     */
    public boolean holds(String service, Exchange exchange) {
        if (!isDown(service) || settings.holdMaxMillis() <= 0) {
            return false;
        }
        if (stopping()) {
            // a hold must never delay the shutdown: the record is taken again at the next start
            exchange.setProperty(LEFT_ON_KAFKA, true);
            return false;
        }
        return withinHold(exchange);
    }

    /**
     * Before a stage route works on a record: while the stage is paused, the record waits here, uncommitted. A
     * suspended Kafka consumer pauses only after the records its current poll returns, so a record can still
     * arrive just after the pause (one of several consumer threads was polling). It waits at most
     * {@code hse.health.hold-max-millis} in all (then goes on, and fails into a dead letter if the service is
     * still down); if the application stops meanwhile, it is left for the next start.
     */
    public void awaitRunning(String service, Exchange exchange) throws InterruptedException {
        Watch watch = service == null ? null : watches.get(service);
        if (watch == null || settings.holdMaxMillis() <= 0) {
            return;
        }
        if (watch.downSince != null) {
            LOG.info("Stage {} is paused: a record of {} waits, uncommitted, until {} answers", watch.stage.stage(),
                    exchange.getMessage().getHeader("kafka.TOPIC"), service);
        }
        synchronized (watch) {
            while (watch.downSince != null) {
                if (stopping()) {
                    exchange.setProperty(LEFT_ON_KAFKA, true);
                    exchange.setRouteStop(true);
                    return;
                }
                if (!withinHold(exchange)) {
                    return;
                }
                // up() wakes it; the timeout only notices a shutdown
                watch.wait(500);
            }
        }
    }

    /** The service whose stage pauses the route (hse.health stage routes), or null for a route of no stage. */
    public String serviceOfRoute(String routeId) {
        return watches.values().stream().filter(watch -> watch.stage.routes().contains(routeId))
                .map(watch -> watch.service).findFirst().orElse(null);
    }

    private boolean withinHold(Exchange exchange) {
        Instant since = exchange.getProperty(HELD_SINCE, Instant.class);
        if (since == null) {
            exchange.setProperty(HELD_SINCE, clock.instant());
            return true;
        }
        return Duration.between(since, clock.instant()).toMillis() < settings.holdMaxMillis();
    }

    private boolean stopping() {
        return camel.isStopping() || camel.isStopped() || probes.isShutdown();
    }

    /** Each service's stage as the health endpoint shows it. */
    public Map<String, StageState> stages() {
        Map<String, StageState> stages = new LinkedHashMap<>();
        watches.values().forEach(watch -> stages.put(watch.stage.stage(), new StageState(watch.service,
                watch.stage.routes(), watch.downSince, watch.failuresInRow.get())));
        return stages;
    }

    private synchronized void down(Watch watch) {
        if (watch.downSince != null) {
            return;
        }
        watch.downSince = clock.instant();
        LOG.warn("{} is not answering ({} calls in a row failed): stage {} paused (routes {}) until it answers again",
                watch.service, watch.failuresInRow.get(), watch.stage.stage(), watch.stage.routes());
        for (String routeId : watch.stage.routes()) {
            Consumer consumer = consumerOf(routeId);
            if (consumer instanceof Suspendable) {
                // the consumer alone, at once: the route controller would first wait for the record in work
                ServiceHelper.suspendService(consumer);
            }
        }
    }

    private synchronized void up(Watch watch) {
        if (watch.downSince == null) {
            return;
        }
        LOG.info("{} answers again after {} s: stage {} resumed", watch.service,
                Duration.between(watch.downSince, clock.instant()).toSeconds(), watch.stage.stage());
        watch.downSince = null;
        synchronized (watch) {
            watch.notifyAll();
        }
        for (String routeId : watch.stage.routes()) {
            Consumer consumer = consumerOf(routeId);
            if (consumer != null) {
                ServiceHelper.resumeService(consumer);
            }
        }
    }

    private Consumer consumerOf(String routeId) {
        Route route = camel.getRoute(routeId);
        return route == null ? null : route.getConsumer();
    }

    private void probeDownServices() {
        for (Watch watch : watches.values()) {
            if (watch.downSince == null) {
                continue;
            }
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(settings.probeUrl(watch.service)))
                        .timeout(Duration.ofMillis(settings.probeTimeoutMillis())).GET().build();
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status < 500) {
                    observed(watch.service, true);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception stillDown) {
                LOG.debug("{} still does not answer: {}", watch.service, stillDown.toString());
            }
        }
    }

    @Override
    public void destroy() {
        probes.shutdownNow();
    }

    /** A stage as health shows it: its service, its routes, since when it is paused (null: running). */
    public record StageState(String service, List<String> routes, Instant pausedSince, int failuresInRow) {
    }

    private static final class Watch {
        final String service;
        final HealthSettings.Stage stage;
        final AtomicInteger failuresInRow = new AtomicInteger();
        volatile Instant downSince;

        Watch(String service, HealthSettings.Stage stage) {
            this.service = service;
            this.stage = stage;
        }
    }
}
