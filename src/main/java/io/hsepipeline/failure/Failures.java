package io.hsepipeline.failure;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.health.ServiceSupervisor;
import io.hsepipeline.metrics.ServiceCallMetrics;
import io.hsepipeline.ratelimit.RateBudget;

/**
 * The shared judgement on a failed call, used by the {@code hse-stage} route configuration: whether retrying
 * can help (429, 408, 5xx, timeouts, connection errors), how long to wait before the next try (what the
 * service asked for, capped), and what to tell users when it cannot.
 */
@Component("failures")
public class Failures implements Processor {

    private final ObjectMapper json;
    private final Duration minimumWait;
    private final Duration maximumWait;
    private final Clock clock;
    private final int maximumRedeliveries;
    private final ServiceSupervisor supervisor;
    private final ServiceCallMetrics metrics;
    private RateBudget rateBudget;

    @Autowired
    public Failures(ObjectMapper json, @Value("${hse.retry.initial-delay-millis}") long minimumWaitMillis,
                    @Value("${hse.retry.maximum-delay-millis}") long maximumWaitMillis,
                    @Value("${hse.retry.maximum-redeliveries}") int maximumRedeliveries,
                    ServiceSupervisor supervisor, ServiceCallMetrics metrics) {
        this(json, Duration.ofMillis(minimumWaitMillis), Duration.ofMillis(maximumWaitMillis), Clock.systemUTC(),
                maximumRedeliveries, supervisor, metrics);
    }

    @Autowired(required = false)
    void setRateBudget(RateBudget rateBudget) {
        this.rateBudget = rateBudget;
    }

    Failures(ObjectMapper json, Duration minimumWait, Duration maximumWait, Clock clock) {
        this(json, minimumWait, maximumWait, clock, 0, null, null);
    }

    private Failures(ObjectMapper json, Duration minimumWait, Duration maximumWait, Clock clock,
                     int maximumRedeliveries, ServiceSupervisor supervisor, ServiceCallMetrics metrics) {
        this.json = json;
        this.minimumWait = minimumWait;
        this.maximumWait = maximumWait;
        this.clock = clock;
        this.maximumRedeliveries = maximumRedeliveries;
        this.supervisor = supervisor;
        this.metrics = metrics;
    }

    public boolean retryable(Throwable e) {
        if (e instanceof HttpOperationFailedException http) {
            int status = http.getStatusCode();
            return status == 408 || status == 429 || status >= 500;
        }
        return e instanceof IOException || e.getCause() instanceof IOException;
    }

    /**
     * The hse-stage retryWhile: redeliver up to hse.retry.maximum-redeliveries times, and beyond that while the
     * stage's service is down (ServiceSupervisor pauses the stage meanwhile), so an outage makes no dead letters.
     */
    public boolean retryWhile(Exchange exchange) {
        String service = exchange.getProperty("hseService", String.class);
        int tries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        boolean again = tries <= maximumRedeliveries || supervisor != null && supervisor.holds(service, exchange);
        if (again && metrics != null) {
            metrics.retried(service);
        }
        return again;
    }

    /**
     * Before each redelivery (onExceptionOccurred): wait what the service asked for, never more than the cap;
     * a wait shorter than the first backoff (a reset time rounded down to now) leaves the backoff in charge.
     */
    @Override
    public void process(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (e instanceof HttpOperationFailedException http) {
            if (http.getStatusCode() == 429 && rateBudget != null) {
                // the other callers of the service wait too, instead of meeting 429s of their own
                requestedValue(http.getResponseHeaders()).ifPresent(value ->
                        rateBudget.refused(exchange.getProperty("hseService", String.class), value));
            }
            requestedWait(http.getResponseHeaders())
                    .filter(wait -> wait.compareTo(minimumWait) >= 0)
                    .ifPresent(wait -> exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY,
                            Math.min(wait.toMillis(), maximumWait.toMillis())));
        }
    }

    Optional<Duration> requestedWait(Map<String, String> headers) {
        return requestedValue(headers).flatMap(value -> RetryAfter.parse(value, clock));
    }

    /** The first header value that states a wait: Retry-After, else a reset header, as the service wrote it. */
    Optional<String> requestedValue(Map<String, String> headers) {
        if (headers == null) {
            return Optional.empty();
        }
        for (String name : List.of("Retry-After", "x-ratelimit-reset", "X-Rate-Limit-Reset", "RateLimit-Reset")) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    String value = firstValue(header.getValue());
                    if (RetryAfter.parse(value, clock).isPresent()) {
                        return Optional.of(value);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * What the dead-letter route says about a failure, judged once: in the hse_* headers of the dead letter and
     * in the document's FAILED status.
     */
    public FailureReport report(Throwable e, String routeService) {
        return new FailureReport(service(e, routeService), reason(e), detail(e), action(e));
    }

    /** A failure as users read it: which service, a short stable reason, what went wrong, what to do next. */
    public record FailureReport(String service, String reason, String detail, String action) {
    }

    /** The service that failed, as the route set it, or the exception's own. */
    public String service(Throwable e, String routeService) {
        return judged(e) instanceof ServiceFailure failure ? failure.service() : routeService;
    }

    /** A short, stable reason: "http-422", "timeout", or the ServiceFailure's own. */
    public String reason(Throwable thrown) {
        Throwable e = judged(thrown);
        if (e instanceof ServiceFailure failure) {
            return failure.reason();
        }
        if (e instanceof HttpOperationFailedException http) {
            return "http-" + http.getStatusCode();
        }
        if (e instanceof SocketTimeoutException || e.getCause() instanceof SocketTimeoutException) {
            return "timeout";
        }
        if (e instanceof IOException) {
            return "unreachable";
        }
        return "error";
    }

    /** What went wrong, readable: an HTTP failure with the service's own words (problem+json included). */
    public String detail(Throwable thrown) {
        Throwable e = judged(thrown);
        if (e instanceof HttpOperationFailedException http) {
            return http.getStatusCode() + " from " + http.getUri() + ": " + readableBody(http.getResponseBody());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** What users should do next. */
    public String action(Throwable thrown) {
        Throwable e = judged(thrown);
        if (e instanceof ServiceFailure failure && failure.action() != null) {
            return failure.action();
        }
        if (retryable(e)) {
            return "The service kept failing after every retry. When it is back, replay the dead letter "
                    + "(see README, Operations) or drop the file again.";
        }
        return "Fix what the detail names (settings, mapping or the document), then replay the dead letter "
                + "(see README, Operations) or drop the file again.";
    }

    /** A ServiceFailure a bean threw reaches the route wrapped by Camel's bean invocation: judge it, not the wrapper. */
    private static Throwable judged(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ServiceFailure) {
                return cause;
            }
        }
        return e;
    }

    /** problem+json (title, detail, errors[].path/message) or any JSON error body made into one line. */
    String readableBody(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        try {
            JsonNode node = json.readTree(body);
            if (node.isObject() && (node.has("title") || node.has("detail"))) {
                List<String> parts = new ArrayList<>();
                text(node, "title").ifPresent(parts::add);
                text(node, "detail").ifPresent(parts::add);
                for (JsonNode error : node.path("errors")) {
                    parts.add(error.path("path").asText("?") + ": " + error.path("message").asText(error.toString()));
                }
                return String.join("; ", parts);
            }
            return node.toString();
        } catch (IOException notJson) {
            return body.length() > 500 ? body.substring(0, 500) + "…" : body;
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    private static String firstValue(String value) {
        int comma = value.indexOf(',');
        return comma < 0 ? value : value.substring(0, comma);
    }
}
