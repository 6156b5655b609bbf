package io.hsepipeline.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.hsepipeline.sandbox.DefaultCredentials.HYPATOS_CLIENT_ID;
import static io.hsepipeline.sandbox.DefaultCredentials.HYPATOS_CLIENT_SECRET;
import static io.hsepipeline.sandbox.DefaultCredentials.HYPATOS_PROJECT_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HypatosSandboxTest {

    private static Sandbox sandbox;
    private static SandboxClient hypatos;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxSettings.defaults().withPorts(0, 0, 0, 0)
                .withProcessingDelay(Duration.ofMillis(400)));
        hypatos = new SandboxClient(sandbox, "hypatos");
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        hypatos.reset();
    }

    @Test
    void clientCredentialsGrantIssuesBearerTokenWithExpiresIn() {
        SandboxClient.Reply reply = hypatos.postForm("/v2/auth/token", HYPATOS_CLIENT_ID, HYPATOS_CLIENT_SECRET,
                "grant_type=client_credentials");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("token_type").asText()).isEqualTo("Bearer");
        assertThat(reply.json().path("expires_in").asLong()).isEqualTo(3600);
        assertThat(reply.json().path("access_token").asText()).isNotBlank();
    }

    @Test
    void wrongClientSecretIsRefusedWith401() {
        SandboxClient.Reply reply = hypatos.postForm("/v2/auth/token", HYPATOS_CLIENT_ID, "wrong",
                "grant_type=client_credentials");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().path("title").asText()).isEqualTo("Invalid client credentials");
    }

    @Test
    void requestWithoutTokenIsRefusedWith401() {
        assertThat(hypatos.get("/v2/documents", null).status()).isEqualTo(401);
    }

    @Test
    void missingTokenIsRefusedWith401BeforeTheBrokenBodyIsChecked() {
        Map<String, Object> missingFileId = Map.of("projectId", HYPATOS_PROJECT_ID);

        SandboxClient.Reply anonymous = hypatos.postJson("/v2/documents/process-file", null, missingFileId);
        SandboxClient.Reply wrongToken = hypatos.postJson("/v2/documents/process-file", "not-issued", missingFileId);
        SandboxClient.Reply authenticated = hypatos.postJson("/v2/documents/process-file", token(), missingFileId);

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(anonymous.json().path("title").asText()).isEqualTo("Unauthorized");
        assertThat(wrongToken.status()).isEqualTo(401);
        assertThat(wrongToken.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
        assertThat(authenticated.status()).isEqualTo(400);
        assertThat(authenticated.json().path("violations").get(0).path("message").asText()).contains("fileId");
    }

    @Test
    void tokenEndpointChecksBasicCredentialsBeforeTheGrantType() {
        SandboxClient.Reply anonymous = hypatos.postForm("/v2/auth/token", null, null, "grant_type=password");
        SandboxClient.Reply wrongSecret = hypatos.postForm("/v2/auth/token", HYPATOS_CLIENT_ID, "wrong", "grant_type=password");
        SandboxClient.Reply rightSecret = hypatos.postForm("/v2/auth/token", HYPATOS_CLIENT_ID, HYPATOS_CLIENT_SECRET,
                "grant_type=password");

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Basic");
        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(wrongSecret.json().path("title").asText()).isEqualTo("Invalid client credentials");
        assertThat(rightSecret.status()).isEqualTo(400);
        assertThat(rightSecret.json().path("violations").get(0).path("message").asText()).contains("grant_type");
    }

    @Test
    void expiredTokenIsRefusedWith401() {
        hypatos.faults(Map.of("tokenLifetimeSeconds", 1));
        String token = token();
        assertThat(hypatos.get("/v2/documents", token).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> hypatos.get("/v2/documents", token).status() == 401);
    }

    @Test
    void multipartUploadToFilesIsRefused() {
        SandboxClient.Reply reply = hypatos.postMultipart("/v2/files", token(), Map.of(), "file", "a.pdf",
                TestPdfs.withLines("hello"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("title").asText()).isEqualTo("Content type not supported");
        assertThat(hypatos.stats().path("hypatos").path("contractViolations").asLong()).isEqualTo(1);
        assertThat(hypatos.entities("hypatos").path("files")).isEmpty();
    }

    @Test
    void rawPdfUploadAnswers201WithFileId() {
        SandboxClient.Reply reply = upload(TestPdfs.withLines("hello"), "sheet.pdf");

        assertThat(reply.status()).isEqualTo(201);
        String id = reply.json().path("id").asText();
        assertThat(id).matches("[0-9a-f]{24}");
        assertThat(hypatos.entities("hypatos").path("files").get(0).path("filename").asText()).isEqualTo("sheet.pdf");
    }

    @Test
    void documentMovesThroughNewAndProcessingToDoneWithEntitiesFromThePdf() {
        String token = token();
        String documentId = process(token, TestPdfs.withLines("Safety data sheet", "Product name: Solvent Cleaner X",
                "Waste code: 15 01 10* and 15 01 02", "Issued 2024-03-15, revised 01.02.2025"));

        assertThat(hypatos.get("/v2/documents/" + documentId, token).json().path("state").asText())
                .isIn("new", "processing");
        JsonNode document = awaitFinal(token, documentId);

        assertThat(document.path("state").asText()).isEqualTo("doneAutomatically");
        assertThat(document.path("entities").path("productName").asText()).isEqualTo("Solvent Cleaner X");
        assertThat(document.path("entities").path("eerCodes")).extracting(JsonNode::asText)
                .containsExactly("15 01 10*", "15 01 02");
        assertThat(document.path("entities").path("dates")).extracting(JsonNode::asText)
                .containsExactly("2024-03-15", "2025-02-01");
        assertThat(states(token, documentId)).containsExactly("new", "processing", "extracted", "doneAutomatically");
    }

    @ParameterizedTest
    @ValueSource(strings = {"reviewRequired", "failed", "junk"})
    void outcomeMarkerInThePdfSteersTheFinalState(String outcome) {
        String token = token();
        String documentId = process(token, TestPdfs.withLines("Product name: Steered", "SANDBOX-OUTCOME: " + outcome));

        JsonNode document = awaitFinal(token, documentId);

        assertThat(document.path("state").asText()).isEqualTo(outcome);
        assertThat(states(token, documentId)).startsWith("new", "processing").endsWith(outcome);
        assertThat(document.has("entities")).isEqualTo(outcome.equals("reviewRequired"));
    }

    @Test
    void unreadablePdfEndsFailed() {
        String token = token();
        String fileId = hypatos.postBytes("/v2/files", token, "application/pdf", "%PDF-1.7 not really".getBytes())
                .json().path("id").asText();
        String documentId = hypatos.postJson("/v2/documents/process-file", token,
                Map.of("fileId", fileId, "projectId", HYPATOS_PROJECT_ID)).json().path("documentId").asText();

        assertThat(awaitFinal(token, documentId).path("state").asText()).isEqualTo("failed");
    }

    @Test
    void processingUnknownFileIsRefusedWith404AndUnknownProjectWith400() {
        String token = token();
        assertThat(hypatos.postJson("/v2/documents/process-file", token,
                Map.of("fileId", "000000000000000000000000", "projectId", HYPATOS_PROJECT_ID)).status()).isEqualTo(404);
        String fileId = upload(TestPdfs.withLines("x"), "x.pdf").json().path("id").asText();
        assertThat(hypatos.postJson("/v2/documents/process-file", token,
                Map.of("fileId", fileId, "projectId", "ffffffffffffffffffffffff")).status()).isEqualTo(400);
    }

    @Test
    void transferAndRejectAreRecorded() {
        String token = token();
        String first = process(token, TestPdfs.withLines("Product name: One"));
        String second = process(token, TestPdfs.withLines("Product name: Two"));
        awaitFinal(token, first);
        awaitFinal(token, second);

        assertThat(hypatos.postJson("/v2/documents/" + first + "/transfer", token,
                Map.of("successful", true, "message", "stored")).status()).isEqualTo(202);
        assertThat(hypatos.postJson("/v2/documents/" + second + "/reject", token,
                Map.of("message", "not ours")).status()).isEqualTo(202);

        assertThat(hypatos.get("/v2/documents/" + first, token).json().path("state").asText()).isEqualTo("transferred");
        assertThat(hypatos.get("/v2/documents/" + second, token).json().path("state").asText()).isEqualTo("rejected");
        assertThat(hypatos.entities("hypatos").path("feedback")).extracting(f -> f.path("kind").asText())
                .containsExactlyInAnyOrder("transfer", "reject");
    }

    @Test
    void transferWithoutSuccessfulFlagBreaksTheContract() {
        String token = token();
        String id = process(token, TestPdfs.withLines("Product name: One"));

        assertThat(hypatos.postJson("/v2/documents/" + id + "/transfer", token, Map.of("message", "x")).status())
                .isEqualTo(400);
    }

    @Test
    void documentListPutsItemsInDataAndFiltersByFileId() {
        String token = token();
        String fileId = upload(TestPdfs.withLines("Product name: Listed"), "listed.pdf").json().path("id").asText();
        String documentId = hypatos.postJson("/v2/documents/process-file", token,
                Map.of("fileId", fileId, "projectId", HYPATOS_PROJECT_ID)).json().path("documentId").asText();
        process(token, TestPdfs.withLines("Product name: Other"));

        JsonNode page = hypatos.get("/v2/documents?fileId=" + fileId, token).json();

        assertThat(page.path("totalCount").asInt()).isEqualTo(1);
        assertThat(page.path("data").get(0).path("id").asText()).isEqualTo(documentId);
        assertThat(page.path("data").get(0).path("files").get(0).path("id").asText()).isEqualTo(fileId);
    }

    @Test
    void everyResponseCarriesRateLimitHeaders() {
        SandboxClient.Reply refused = hypatos.get("/v2/documents", null);
        SandboxClient.Reply ok = hypatos.get("/v2/documents", token());

        for (SandboxClient.Reply reply : List.of(refused, ok)) {
            assertThat(reply.header("x-ratelimit-limit")).isEqualTo("100, 100;w=1");
            assertThat(reply.header("x-ratelimit-remaining")).isNotNull();
            assertThat(reply.header("x-ratelimit-reset")).matches("\\d+");
        }
    }

    @Test
    void clientOverItsRequestBudgetGets429() {
        hypatos.faults(Map.of("hypatos", Map.of("rateLimit", 3, "rateWindowSeconds", 60)));
        String token = token();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(hypatos.get("/v2/documents", token).status());
        }

        assertThat(statuses).containsExactly(200, 200, 429, 429);
        SandboxClient.Reply limited = hypatos.get("/v2/documents", token);
        assertThat(limited.header("x-ratelimit-remaining")).isEqualTo("0");
        assertThat(Long.parseLong(limited.header("x-ratelimit-reset"))).isBetween(0L, 60L);
        assertThat(hypatos.stats().path("hypatos").path("rateLimited").asLong()).isEqualTo(3);
    }

    private static String token() {
        return hypatos.postForm("/v2/auth/token", HYPATOS_CLIENT_ID, HYPATOS_CLIENT_SECRET,
                "grant_type=client_credentials").json().path("access_token").asText();
    }

    private static SandboxClient.Reply upload(byte[] pdf, String name) {
        return hypatos.send(hypatos.request("/v2/files").header("Authorization", "Bearer " + token())
                .header("Content-Type", "application/pdf").header("X-Hy-Filename", name)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(pdf)));
    }

    private static String process(String token, byte[] pdf) {
        String fileId = upload(pdf, "doc.pdf").json().path("id").asText();
        SandboxClient.Reply accepted = hypatos.postJson("/v2/documents/process-file", token,
                Map.of("fileId", fileId, "projectId", HYPATOS_PROJECT_ID));
        assertThat(accepted.status()).isEqualTo(202);
        return accepted.json().path("documentId").asText();
    }

    private static JsonNode awaitFinal(String token, String documentId) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> hypatos.get("/v2/documents/" + documentId, token).json(),
                        doc -> !List.of("new", "processing").contains(doc.path("state").asText()));
    }

    private static List<String> states(String token, String documentId) {
        List<String> states = new ArrayList<>();
        hypatos.get("/v2/documents/" + documentId + "/states", token).json()
                .forEach(s -> states.add(s.path("state").asText()));
        return states;
    }
}
