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
import java.util.ArrayList;
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
 * The hse-stage configuration (routes/00-error-handling.camel.yaml) and the extract poller's doCatch
 * (routes/20-extract.camel.yaml) judge in their onWhen, in simple, which failures are retried; Failures.retryable
 * judges the same for the dead letter's action text. All must agree on every kind of failure the stages meet.
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
            List<String> judgements = retryJudgements();
            // hse-stage's onException and the extract poller's doCatch
            assertThat(judgements).hasSize(2);
            for (String judgement : judgements) {
                Predicate retried = camel.resolveLanguage("simple").createPredicate(judgement);
                for (Throwable e : thrown) {
                    Exchange exchange = new DefaultExchange(camel);
                    exchange.setException(e);
                    assertThat(retried.matches(exchange)).as("retried: " + e + " by " + judgement)
                            .isEqualTo(failures.retryable(e));
                }
            }
            // the cases where both say yes are there, so the agreement is not all "no"
            assertThat(thrown.stream().filter(failures::retryable).count()).isEqualTo(10);
        }
    }

    /** The retry judgements in the routes: every onWhen that names I/O failures, in the files that judge them. */
    private static List<String> retryJudgements() throws IOException {
        List<String> found = new ArrayList<>();
        for (String file : List.of("00-error-handling.camel.yaml", "20-extract.camel.yaml")) {
            try (InputStream in = Files.newInputStream(Path.of("routes", file))) {
                collect(new Yaml().load(in), found);
            }
        }
        return found;
    }

    private static void collect(Object node, List<String> found) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("onWhen") instanceof Map<?, ?> onWhen && onWhen.get("simple") instanceof String simple
                    && simple.contains("java.io.IOException")) {
                found.add(simple);
            }
            map.values().forEach(value -> collect(value, found));
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collect(item, found));
        }
    }

    private static HttpOperationFailedException http(int status) {
        return new HttpOperationFailedException("http://localhost:9104/api/v1/records", status, "status " + status,
                null, Map.of(), "");
    }
}
