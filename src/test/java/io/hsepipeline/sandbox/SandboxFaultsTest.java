package io.hsepipeline.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsepipeline.sandbox.ratelimit.ResetHeaderFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.hsepipeline.sandbox.DefaultCredentials.QEHS_API_KEY;
import static io.hsepipeline.sandbox.DefaultCredentials.QEHS_MODULE_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SandboxFaultsTest {

    private static final String MODULE = "/api/v1/modules/" + QEHS_MODULE_KEY;

    private static Sandbox sandbox;
    private static SandboxClient qehs;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxSettings.defaults().withPorts(0, 0, 0, 0).withHangLimit(Duration.ofSeconds(30)));
        qehs = new SandboxClient(sandbox, "qehs");
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        qehs.reset();
    }

    @Test
    void latencyKnobDelaysEveryAnswer() {
        qehs.faults(Map.of("qehs", Map.of("latencyMs", 300, "jitterMs", 50)));

        long started = System.nanoTime();
        SandboxClient.Reply reply = qehs.get(MODULE, QEHS_API_KEY);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void errorShareOfOneAnswersEveryRequestWith5xx() {
        qehs.faults(Map.of("qehs", Map.of("errorRate", 1.0)));

        SandboxClient.Reply reply = qehs.get(MODULE, QEHS_API_KEY);

        assertThat(reply.status()).isIn(500, 502, 503);
        assertThat(qehs.stats().path("qehs").path("injectedErrors").asLong()).isEqualTo(1);
    }

    @Test
    void timeoutShareOfOneNeverAnswersAndCloseStillStopsPromptly() {
        qehs.faults(Map.of("all", Map.of("timeoutRate", 1.0)));

        assertThatThrownBy(() -> qehs.send(qehs.request(MODULE).timeout(Duration.ofMillis(500))
                .header("Authorization", "Bearer " + QEHS_API_KEY).GET()))
                .hasRootCauseInstanceOf(HttpTimeoutException.class);
        assertThat(qehs.stats().path("qehs").path("injectedTimeouts").asLong()).isEqualTo(1);
        assertThat(qehs.calls("qehs").get(0).path("status").asInt()).isZero();

        Sandbox other = Sandbox.start(SandboxSettings.defaults().withPorts(0, 0, 0, 0).withTimeoutRate("qehs", 1.0));
        SandboxClient hanging = new SandboxClient(other, "qehs");
        Thread client = new Thread(() -> {
            try {
                hanging.get(MODULE, QEHS_API_KEY);
            } catch (RuntimeException expected) {
                // the connection is dropped when the sandbox closes
            }
        });
        client.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> hanging.stats().path("qehs").path("injectedTimeouts").asLong() == 1);
        long started = System.nanoTime();
        other.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void lostAnswerIsCarriedOutButNeverAnsweredOnlyWritesCountAndTheRetryIsAnswered() {
        qehs.faults(Map.of("qehs", Map.of("lostAnswers", 2)));
        Map<String, Object> body = Map.of("moduleKey", QEHS_MODULE_KEY, "payload", Map.of("title", "Lost",
                "document_id", "a".repeat(64), "source_record_id", "1", "eer_codes", java.util.List.of("150110"),
                "hp_codes", java.util.List.of(), "hazardous", true, "validated_at", "2025-01-31T10:15:00Z"));
        byte[] record = SandboxClient.json(body);

        assertThat(qehs.get(MODULE, QEHS_API_KEY).status()).isEqualTo(200);
        assertThatThrownBy(() -> qehs.send(qehs.request("/api/v1/records").timeout(Duration.ofMillis(500))
                .header("Authorization", "Bearer " + QEHS_API_KEY).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(record))))
                .hasRootCauseInstanceOf(HttpTimeoutException.class);

        assertThat(qehs.entities("qehs").path("records")).hasSize(1);
        assertThat(qehs.stats().path("qehs").path("injectedTimeouts").asLong()).isEqualTo(1);
        // one lost answer per path: the retry on it is answered although one lost answer is left
        assertThat(qehs.postJson("/api/v1/records", QEHS_API_KEY, body).status()).isEqualTo(201);
        assertThat(qehs.entities("qehs").path("records")).hasSize(2);
    }

    @Test
    void rateLimitStormAnswersEveryRequestWith429UntilItEnds() {
        qehs.faults(Map.of("qehs", Map.of("stormSeconds", 30)));

        SandboxClient.Reply reply = qehs.get(MODULE, QEHS_API_KEY);

        assertThat(reply.status()).isEqualTo(429);
        assertThat(Long.parseLong(reply.header("X-RateLimit-Reset"))).isGreaterThan(Instant.now().getEpochSecond() + 20);
        assertThat(qehs.stats().path("qehs").path("rateLimited").asLong()).isEqualTo(1);
    }

    @Test
    void stormCountedInRequestsRefusesExactlyThatManyThenServes() {
        qehs.faults(Map.of("qehs", Map.of("stormRequests", 2)));

        SandboxClient.Reply first = qehs.get(MODULE, QEHS_API_KEY);
        SandboxClient.Reply second = qehs.get(MODULE, QEHS_API_KEY);
        SandboxClient.Reply third = qehs.get(MODULE, QEHS_API_KEY);

        assertThat(first.status()).isEqualTo(429);
        assertThat(second.status()).isEqualTo(429);
        assertThat(Long.parseLong(second.header("X-RateLimit-Reset"))).isLessThanOrEqualTo(Instant.now().getEpochSecond() + 2);
        assertThat(third.status()).isEqualTo(200);
        assertThat(qehs.stats().path("qehs").path("rateLimited").asLong()).isEqualTo(2);
    }

    @Test
    void resetHeaderFormatKnobSwitchesBetweenSecondsUnixTimeAndMilliseconds() {
        qehs.faults(Map.of("qehs", Map.of("resetHeaderFormat", "seconds")));
        long seconds = Long.parseLong(qehs.get(MODULE, QEHS_API_KEY).header("X-RateLimit-Reset"));
        qehs.faults(Map.of("qehs", Map.of("resetHeaderFormat", "millis")));
        long millis = Long.parseLong(qehs.get(MODULE, QEHS_API_KEY).header("X-RateLimit-Reset"));

        assertThat(seconds).isBetween(0L, 60L);
        assertThat(millis).isGreaterThan(Instant.now().toEpochMilli() - 1000);
    }

    @Test
    void unknownKnobIsRefusedAndNothingChanges() {
        SandboxClient.Reply reply = qehs.faults(Map.of("qehs", Map.of("latencyMs", 100, "colour", "red")));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(qehs.get("/_sandbox/faults", null).json().path("qehs").path("latencyMs").asLong()).isZero();
    }

    @Test
    void faultsEndpointChangesProcessingDelayAndTokenLifetime() {
        JsonNode knobs = qehs.faults(Map.of("processingDelayMs", 50, "tokenLifetimeSeconds", 7)).json();

        assertThat(knobs.path("processingDelayMs").asLong()).isEqualTo(50);
        SandboxClient hypatos = new SandboxClient(sandbox, "hypatos");
        JsonNode token = hypatos.postForm("/v2/auth/token", DefaultCredentials.HYPATOS_CLIENT_ID,
                DefaultCredentials.HYPATOS_CLIENT_SECRET, "grant_type=client_credentials").json();
        assertThat(token.path("expires_in").asLong()).isEqualTo(7);
    }

    @Test
    void settingsAreReadFromSandboxVariables() {
        Map<String, String> env = Map.of("SANDBOX_HYPATOS_PORT", "19999", "SANDBOX_ALL_LATENCY_MS", "20",
                "SANDBOX_QEHS_ERROR_RATE", "0.25", "SANDBOX_HYPATOS_RESET_HEADER_FORMAT", "unix",
                "SANDBOX_PROCESSING_DELAY_MS", "1500", "SANDBOX_TOKEN_LIFETIME_SECONDS", "60");

        SandboxSettings settings = SandboxSettings.fromLookup(env::get);

        assertThat(settings.port("hypatos")).isEqualTo(19999);
        assertThat(settings.faults("fourhse").latencyMillis()).isEqualTo(20);
        assertThat(settings.faults("qehs").errorRate()).isEqualTo(0.25);
        assertThat(settings.faults("hypatos").resetHeaderFormat()).isEqualTo(ResetHeaderFormat.UNIX);
        assertThat(settings.processingDelay()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.tokenLifetime()).isEqualTo(Duration.ofSeconds(60));
    }
}
