package io.hsepipeline.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The hse-stage configuration (routes/00-error-handling.camel.yaml) judges in its onWhen, in simple, which
 * failures are retried; Failures.retryable judges the same for the dead letter's action text. Both must agree on
 * every kind of failure the stages meet.
 */
class RetryJudgementTest {

    private final Failures failures = new Failures(new ObjectMapper(), Duration.ofSeconds(1), Duration.ofSeconds(60),
            Clock.systemUTC());

    @Test
    void routeConfigurationRetriesExactlyWhatFailuresCallsRetryable() throws Exception {
        List<Throwable> thrown = List.of(http(408), http(429), http(500), http(503), http(599), http(1000),
                http(400), http(401), http(404), http(409), http(422),
                new SocketTimeoutException("Read timed out"), new ConnectException("Connection refused"),
                new IOException("Broken pipe"),
                new RuntimeException("wrapped", new SocketTimeoutException("Read timed out")),
                new RuntimeException("twice wrapped", new RuntimeException(new IOException("deep"))),
                new RuntimeException("wrapped 503", http(503)),
                new ServiceFailure("hypatos", "junk", "junk", null),
                new RuntimeException("Failed to invoke method", new ServiceFailure("hsegenius", "timeout", "late", null)),
                new IllegalStateException("no mapping"));
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            Predicate retried = camel.resolveLanguage("simple").createPredicate(stageOnWhen());
            for (Throwable e : thrown) {
                Exchange exchange = new DefaultExchange(camel);
                exchange.setException(e);
                assertThat(retried.matches(exchange)).as("retried: " + e).isEqualTo(failures.retryable(e));
            }
            // the cases where both say yes are there, so the agreement is not all "no"
            assertThat(thrown.stream().filter(failures::retryable).count()).isEqualTo(10);
        }
    }

    @SuppressWarnings("unchecked")
    private static String stageOnWhen() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("routes/00-error-handling.camel.yaml"))) {
            List<Map<String, Object>> document = new Yaml().load(in);
            for (Map<String, Object> item : document) {
                Map<String, Object> configuration = (Map<String, Object>) item.get("routeConfiguration");
                if (configuration != null && "hse-stage".equals(configuration.get("id"))) {
                    List<Map<String, Object>> handlers = (List<Map<String, Object>>) configuration.get("onException");
                    Map<String, Object> retried = (Map<String, Object>) handlers.get(0).get("onException");
                    return (String) ((Map<String, Object>) retried.get("onWhen")).get("simple");
                }
            }
        }
        throw new AssertionError("no hse-stage route configuration in routes/00-error-handling.camel.yaml");
    }

    private static HttpOperationFailedException http(int status) {
        return new HttpOperationFailedException("http://localhost:9104/api/v1/records", status, "status " + status,
                null, Map.of(), "");
    }
}
