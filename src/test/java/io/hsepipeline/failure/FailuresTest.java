package io.hsepipeline.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class FailuresTest {

    private static final Instant NOW = Instant.parse("2026-11-22T06:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private final Failures failures = new Failures(new ObjectMapper(), Duration.ofSeconds(1), Duration.ofSeconds(60), CLOCK);

    @Test
    void resetHeaderIsReadWhateverItsUnit() {
        assertThat(RetryAfter.parse("30", CLOCK)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("1.5", CLOCK)).contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.parse(String.valueOf(NOW.getEpochSecond() + 12), CLOCK)).contains(Duration.ofSeconds(12));
        assertThat(RetryAfter.parse(String.valueOf(NOW.toEpochMilli() + 2500), CLOCK)).contains(Duration.ofMillis(2500));
        assertThat(RetryAfter.parse("Sun, 22 Nov 2026 06:00:07 GMT", CLOCK)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse(String.valueOf(NOW.getEpochSecond() - 5), CLOCK)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", CLOCK)).isEmpty();
    }

    @Test
    void retryAfterIsPreferredAndCapped() {
        assertThat(failures.requestedWait(Map.of("Retry-After", "5", "x-ratelimit-reset", "9")))
                .contains(Duration.ofSeconds(5));
        assertThat(failures.requestedWait(Map.of("X-RateLimit-Reset", String.valueOf(NOW.getEpochSecond() + 3))))
                .contains(Duration.ofSeconds(3));
        assertThat(failures.requestedWait(Map.of())).isEmpty();
    }

    @Test
    void nextRedeliveryWaitsWhatTheServiceAskedWithinBounds() {
        assertThat(redeliveryDelayAfter("Retry-After", "5")).isEqualTo(5000L);
        assertThat(redeliveryDelayAfter("Retry-After", "3600")).isEqualTo(60_000L);
        assertThat(redeliveryDelayAfter("X-RateLimit-Reset", String.valueOf(NOW.getEpochSecond()))).isNull();
    }

    @Test
    void onlyFailuresThatRetryingCanFixAreRetryable() {
        assertThat(failures.retryable(http(429, null))).isTrue();
        assertThat(failures.retryable(http(503, null))).isTrue();
        assertThat(failures.retryable(http(408, null))).isTrue();
        assertThat(failures.retryable(new SocketTimeoutException("Read timed out"))).isTrue();
        assertThat(failures.retryable(http(400, null))).isFalse();
        assertThat(failures.retryable(http(422, null))).isFalse();
        assertThat(failures.retryable(new ServiceFailure("hypatos", "junk", "junk", null))).isFalse();
    }

    @Test
    void problemJsonBecomesAReadableReason() {
        String problem = """
                {"type":"https://qehs/errors/validation","title":"Validation failed","status":400,
                 "detail":"The payload does not match module waste-classifications",
                 "errors":[{"path":"/payload/ewcCode","message":"is required","code":"required"}]}""";

        HttpOperationFailedException e = http(400, problem);

        assertThat(failures.reason(e)).isEqualTo("http-400");
        assertThat(failures.detail(e)).contains("Validation failed", "does not match module",
                "/payload/ewcCode: is required");
    }

    @Test
    void serviceFailureABeanThrewIsJudgedByItsOwnReasonNotByCamelsWrapper() {
        ServiceFailure thrown = new ServiceFailure("hsegenius", "timeout", "HSE Genius has not parsed upload 7",
                "Raise HSEGENIUS_PARSE_MAX_WAIT.");
        RuntimeException wrapped = new RuntimeException("Failed to invoke method: next(...)", thrown);

        assertThat(failures.reason(wrapped)).isEqualTo("timeout");
        assertThat(failures.service(wrapped, "pipeline")).isEqualTo("hsegenius");
        assertThat(failures.detail(wrapped)).isEqualTo("HSE Genius has not parsed upload 7");
        assertThat(failures.action(wrapped)).isEqualTo("Raise HSEGENIUS_PARSE_MAX_WAIT.");
        assertThat(failures.retryable(wrapped)).isFalse();
    }

    private Long redeliveryDelayAfter(String header, String value) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new HttpOperationFailedException(
                "http://localhost:9104/api/v1/records", 429, "Too Many Requests", null, Map.of(header, value), ""));
        failures.process(exchange);
        return exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class);
    }

    private static HttpOperationFailedException http(int status, String body) {
        return new HttpOperationFailedException("http://localhost:9104/api/v1/records", status, "status " + status,
                null, Map.of(), body);
    }
}
