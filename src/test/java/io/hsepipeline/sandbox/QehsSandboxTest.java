package io.hsepipeline.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.hsepipeline.sandbox.DefaultCredentials.QEHS_API_KEY;
import static io.hsepipeline.sandbox.DefaultCredentials.QEHS_MODULE_KEY;
import static org.assertj.core.api.Assertions.assertThat;

class QehsSandboxTest {

    private static final String DOCUMENT_ID = "a".repeat(64);

    private static Sandbox sandbox;
    private static SandboxClient qehs;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxSettings.defaults().withPorts(0, 0, 0, 0));
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
    void requestWithoutApiKeyIsRefusedWithProblem401() {
        SandboxClient.Reply reply = qehs.get("/api/v1/modules/" + QEHS_MODULE_KEY, "wrong-key");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(reply.json().path("errorCode").asText()).isEqualTo("unauthorized");
    }

    @Test
    void missingOrWrongApiKeyIsRefusedWith401BeforeTheQueryIsChecked() {
        // moduleKey is a required query parameter
        SandboxClient.Reply anonymous = qehs.get("/api/v1/records?limit=1000", null);
        SandboxClient.Reply wrongKey = qehs.get("/api/v1/records?limit=1000", "wrong-key");
        SandboxClient.Reply withKey = qehs.get("/api/v1/records?limit=1000", QEHS_API_KEY);

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(anonymous.json().path("errorCode").asText()).isEqualTo("unauthorized");
        assertThat(wrongKey.status()).isEqualTo(401);
        assertThat(withKey.status()).isEqualTo(400);
        assertThat(withKey.json().path("errors").toString()).contains("moduleKey");
    }

    @Test
    void moduleSchemaListsItsFields() {
        JsonNode module = qehs.get("/api/v1/modules/" + QEHS_MODULE_KEY, QEHS_API_KEY).json();

        assertThat(module.path("key").asText()).isEqualTo(QEHS_MODULE_KEY);
        assertThat(module.path("fields")).extracting(f -> f.path("key").asText()).contains("title", "eer_codes", "hp_codes");
        assertThat(qehs.get("/api/v1/modules/nope", QEHS_API_KEY).status()).isEqualTo(404);
    }

    @Test
    void recordThatFitsItsModuleIsCreated() {
        SandboxClient.Reply created = create(null, payload("Record one"));

        assertThat(created.status()).isEqualTo(201);
        String id = created.json().path("id").asText();
        assertThat(id).startsWith("rec_");
        assertThat(created.json().path("moduleKey").asText()).isEqualTo(QEHS_MODULE_KEY);
        JsonNode stored = qehs.get("/api/v1/records/" + id, QEHS_API_KEY).json();
        assertThat(stored.path("payload").path("eer_codes").get(0).asText()).isEqualTo("150110");
    }

    @Test
    void recordThatDoesNotFitItsModuleSchemaIsRefusedWithFieldErrors() {
        Map<String, Object> payload = payload("Bad record");
        payload.remove("document_id");
        payload.put("hazardous", "yes");
        payload.put("colour", "red");

        SandboxClient.Reply reply = create(null, payload);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
        JsonNode problem = reply.json();
        assertThat(problem.path("errorCode").asText()).isEqualTo("validation_failed");
        assertThat(problem.path("traceId").asText()).isNotBlank();
        assertThat(problem.path("errors")).extracting(e -> e.path("path").asText() + ":" + e.path("code").asText())
                .containsExactlyInAnyOrder("document_id:required", "hazardous:type", "colour:unknown_field");
        assertThat(qehs.entities("qehs").path("records")).isEmpty();
    }

    @Test
    void requestWithoutPayloadBreaksTheContractAndIsCounted() {
        SandboxClient.Reply reply = qehs.postJson("/api/v1/records", QEHS_API_KEY, Map.of("moduleKey", QEHS_MODULE_KEY));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("errors").get(0).path("code").asText()).isEqualTo("body.schema.required");
        assertThat(qehs.stats().path("qehs").path("contractViolations").asLong()).isEqualTo(1);
    }

    @Test
    void sameIdempotencyKeyAndBodyReplaysTheFirstResponse() {
        SandboxClient.Reply first = create("key-1", payload("Replayed"));
        SandboxClient.Reply second = create("key-1", payload("Replayed"));

        assertThat(second.status()).isEqualTo(201);
        assertThat(second.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
        assertThat(second.header("Idempotency-Replayed")).isEqualTo("true");
        assertThat(qehs.entities("qehs").path("records")).hasSize(1);
    }

    @Test
    void idempotencyKeyReusedWithAnotherBodyIsRefused() {
        create("key-2", payload("Original"));

        SandboxClient.Reply reused = create("key-2", payload("Something else"));

        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.json().path("errorCode").asText()).isEqualTo("idempotency_conflict");
        assertThat(qehs.entities("qehs").path("records")).hasSize(1);
    }

    @Test
    void cursorPaginationWalksEveryRecordOnce() {
        for (int i = 0; i < 5; i++) {
            create(null, payload("Record " + i));
        }
        List<String> titles = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = qehs.get("/api/v1/records?moduleKey=" + QEHS_MODULE_KEY + "&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), QEHS_API_KEY).json();
            page.path("items").forEach(r -> titles.add(r.path("payload").path("title").asText()));
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(titles).containsExactly("Record 0", "Record 1", "Record 2", "Record 3", "Record 4");
        assertThat(qehs.get("/api/v1/records?moduleKey=" + QEHS_MODULE_KEY + "&cursor=bogus", QEHS_API_KEY).status())
                .isEqualTo(400);
    }

    @Test
    void threeHundredRequestsAMinuteThen429WithResetAsUnixTime() {
        List<Integer> statuses = new ArrayList<>();
        SandboxClient.Reply last = null;
        for (int i = 0; i < 301; i++) {
            last = qehs.get("/api/v1/modules/" + QEHS_MODULE_KEY, QEHS_API_KEY);
            statuses.add(last.status());
        }

        assertThat(statuses.subList(0, 300)).containsOnly(200);
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.json().path("errorCode").asText()).isEqualTo("rate_limited");
        assertThat(last.header("X-RateLimit-Remaining")).isEqualTo("0");
        long reset = Long.parseLong(last.header("X-RateLimit-Reset"));
        assertThat(reset).isBetween(Instant.now().getEpochSecond(), Instant.now().getEpochSecond() + 61);
    }

    private static SandboxClient.Reply create(String idempotencyKey, Map<String, Object> payload) {
        HttpRequest.Builder request = qehs.request("/api/v1/records").header("Authorization", "Bearer " + QEHS_API_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(SandboxClient.json(
                        Map.of("moduleKey", QEHS_MODULE_KEY, "payload", payload))));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return qehs.send(request);
    }

    private static Map<String, Object> payload(String title) {
        Map<String, Object> payload = new HashMap<>();
        payload.put("title", title);
        payload.put("document_id", DOCUMENT_ID);
        payload.put("source_record_id", "42");
        payload.put("eer_codes", List.of("150110"));
        payload.put("hp_codes", List.of("HP4", "HP14"));
        payload.put("hazardous", true);
        payload.put("validated_at", "2025-01-31T10:15:00Z");
        return payload;
    }
}
