package io.hsepipeline.metrics;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

import org.springframework.stereotype.Component;

import io.hsepipeline.health.ServiceSupervisor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Every call to an external service, whoever makes it (the routes' http endpoints through
 * {@link ServiceCallNotifier}, the token clients directly): latency and count by service, HTTP status and
 * outcome, retries and token fetches. Each outcome also tells the {@link ServiceSupervisor} whether the
 * service answered.
 */
@Component
public class ServiceCallMetrics {

    /** The services, as the metrics' service tag and the stages' hseService property name them. */
    public static final List<String> SERVICES = List.of("hypatos", "hsegenius", "fourhse", "qehs");

    private final MeterRegistry registry;
    private final ServiceSupervisor supervisor;

    public ServiceCallMetrics(MeterRegistry registry, ServiceSupervisor supervisor) {
        this.registry = registry;
        this.supervisor = supervisor;
        for (String service : SERVICES) {
            retries(service);
            if (!"qehs".equals(service)) {
                tokenFetches(service);
            }
        }
    }

    /** One call: status is the HTTP status, or 0 when no answer came (error says why). */
    public void record(String service, int status, Throwable error, Duration took) {
        String outcome = outcome(status, error);
        Timer.builder("hse.service.calls")
                .description("Calls to external services, by service, HTTP status and outcome")
                .tag("service", service)
                .tag("status", status > 0 ? Integer.toString(status) : outcome)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
        supervisor.observed(service, !("server-error".equals(outcome) || "unreachable".equals(outcome)
                || "timeout".equals(outcome)));
    }

    /** Times a call made with java.net.http (the token clients). */
    public <T> HttpResponse<T> timed(String service, HttpCall<T> call) throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            HttpResponse<T> response = call.send();
            record(service, response.statusCode(), null, Duration.ofNanos(System.nanoTime() - start));
            return response;
        } catch (IOException e) {
            record(service, 0, e, Duration.ofNanos(System.nanoTime() - start));
            throw e;
        }
    }

    /** A failed step of a stage is about to be tried again. */
    public void retried(String service) {
        if (service != null) {
            retries(service).increment();
        }
    }

    /** A new access token was fetched (first, expired, refused or refreshed). */
    public void tokenFetched(String service) {
        tokenFetches(service).increment();
    }

    private Counter retries(String service) {
        return Counter.builder("hse.service.retries").description("Failed steps tried again, by service")
                .tag("service", service).register(registry);
    }

    private Counter tokenFetches(String service) {
        return Counter.builder("hse.service.token.refreshes")
                .description("Access tokens fetched or refreshed, by service").tag("service", service)
                .register(registry);
    }

    static String outcome(int status, Throwable error) {
        if (status == 0) {
            return isTimeout(error) ? "timeout" : "unreachable";
        }
        if (status == 429) {
            return "rate-limited";
        }
        if (status >= 500) {
            return "server-error";
        }
        return status >= 400 ? "client-error" : "ok";
    }

    private static boolean isTimeout(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof SocketTimeoutException || e instanceof HttpTimeoutException
                    || e.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }

    /** A java.net.http send. */
    @FunctionalInterface
    public interface HttpCall<T> {
        HttpResponse<T> send() throws IOException, InterruptedException;
    }
}
