package io.hsepipeline.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.hsepipeline.sandbox.DefaultCredentials.FOURHSE_API_KEY;
import static io.hsepipeline.sandbox.DefaultCredentials.FOURHSE_CLIENT_ID;
import static io.hsepipeline.sandbox.DefaultCredentials.FOURHSE_PASSWORD;
import static io.hsepipeline.sandbox.DefaultCredentials.FOURHSE_PROJECT_NAME;
import static io.hsepipeline.sandbox.DefaultCredentials.FOURHSE_USERNAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FourHseSandboxTest {

    private static final String TOKEN_PATH = "/realms/4hse/protocol/openid-connect/token";
    private static final String PROJECT_ID = "5d1c3a52-7f0e-4b8a-9c11-5a0d6e2f4b01";
    private static final String RESOURCE_ID = "e3a1f5d2-8c4b-4e7a-9f6d-2b1c3d4e5f6a";
    private static final String ACTION_ID = "de5e9431-caf2-4e5b-a4b2-9318021558c2";

    private static Sandbox sandbox;
    private static SandboxClient fourhse;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxSettings.defaults().withPorts(0, 0, 0, 0));
        fourhse = new SandboxClient(sandbox, "fourhse");
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        fourhse.reset();
    }

    @Test
    void passwordGrantIssuesTokensAndRefreshGrantRenewsThem() {
        JsonNode tokens = passwordGrant();
        assertThat(tokens.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(tokens.path("expires_in").asInt()).isEqualTo(3600);

        SandboxClient.Reply refreshed = fourhse.postForm(TOKEN_PATH, null, null, "grant_type=refresh_token&client_id="
                + FOURHSE_CLIENT_ID + "&refresh_token=" + tokens.path("refresh_token").asText());

        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(projects(refreshed.json().path("access_token").asText(), Map.of()).status()).isEqualTo(200);
    }

    @Test
    void wrongPasswordIsRefusedAsInvalidGrant() {
        SandboxClient.Reply reply = fourhse.postForm(TOKEN_PATH, null, null, "grant_type=password&client_id="
                + FOURHSE_CLIENT_ID + "&username=" + FOURHSE_USERNAME + "&password=wrong");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void expiredAccessTokenIsRefusedWith401() {
        fourhse.faults(Map.of("tokenLifetimeSeconds", 1));
        String token = passwordGrant().path("access_token").asText();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> projects(token, Map.of()).status() == 401);
        assertThat(projects(token, Map.of()).json().path("type").asText()).isEqualTo("yii\\web\\UnauthorizedHttpException");
    }

    @Test
    void apiKeyInAccessTokenQueryParameterIsAcceptedAndNoCredentialsAreRefused() {
        SandboxClient.Reply withKey = fourhse.postJson("/v2/project/index?access-token=" + FOURHSE_API_KEY, null, Map.of());
        SandboxClient.Reply without = fourhse.postJson("/v2/project/index", null, Map.of());

        assertThat(withKey.status()).isEqualTo(200);
        assertThat(without.status()).isEqualTo(401);
    }

    @Test
    void missingOrWrongCredentialsAreRefusedWith401BeforeTheBodyIsChecked() {
        Map<String, Object> withoutRequiredFields = Map.of("note", "no name, no tenant");

        SandboxClient.Reply anonymous = fourhse.postJson("/v2/certificate/create", null, withoutRequiredFields);
        SandboxClient.Reply wrongKey = fourhse.postJson("/v2/certificate/create?access-token=wrong", null, withoutRequiredFields);
        SandboxClient.Reply wrongToken = fourhse.postJson("/v2/certificate/create", "not-issued", withoutRequiredFields);
        SandboxClient.Reply withKey = fourhse.postJson("/v2/certificate/create?access-token=" + FOURHSE_API_KEY, null,
                withoutRequiredFields);

        assertThat(List.of(anonymous.status(), wrongKey.status(), wrongToken.status())).containsOnly(401);
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"api\"");
        assertThat(anonymous.json().path("type").asText()).isEqualTo("yii\\web\\UnauthorizedHttpException");
        assertThat(withKey.status()).isEqualTo(400);
        assertThat(withKey.json().path("violations").toString()).contains("name");
    }

    @Test
    void tokenEndpointRefusesAMalformedFormAsTheContractSaysAndAnUnknownClientWith401() {
        SandboxClient.Reply withoutClientId = fourhse.postForm(TOKEN_PATH, null, null,
                "grant_type=password&username=" + FOURHSE_USERNAME + "&password=" + FOURHSE_PASSWORD);
        SandboxClient.Reply unknownClient = fourhse.postForm(TOKEN_PATH, null, null,
                "grant_type=password&client_id=nobody&username=" + FOURHSE_USERNAME + "&password=" + FOURHSE_PASSWORD);

        assertThat(withoutClientId.status()).isEqualTo(400);
        assertThat(withoutClientId.json().path("violations").toString()).contains("client_id");
        assertThat(unknownClient.status()).isEqualTo(401);
        assertThat(unknownClient.json().path("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void projectIndexFiltersAndReportsPaginationHeaders() {
        String token = passwordGrant().path("access_token").asText();

        SandboxClient.Reply found = projects(token, Map.of("filter",
                Map.of("name", FOURHSE_PROJECT_NAME, "status", "active", "project_type", "safety")));
        SandboxClient.Reply paged = projects(token, Map.of("per-page", 2, "page", 2, "sort", "name"));

        assertThat(found.json()).extracting(p -> p.path("project_id").asText()).containsExactly(PROJECT_ID);
        assertThat(found.header("X-Pagination-Total-Count")).isEqualTo("1");
        assertThat(paged.json()).hasSize(2);
        assertThat(paged.header("X-Pagination-Current-Page")).isEqualTo("2");
        assertThat(paged.header("X-Pagination-Per-Page")).isEqualTo("2");
        assertThat(paged.header("X-Pagination-Page-Count")).isEqualTo("4");
        assertThat(paged.header("X-Pagination-Total-Count")).isEqualTo("7");
    }

    @Test
    void unknownFilterAttributeIsRefusedWith422() {
        SandboxClient.Reply reply = projects(passwordGrant().path("access_token").asText(),
                Map.of("filter", Map.of("colour", "red")));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get(0).path("field").asText()).isEqualTo("filter");
    }

    @Test
    void clientChosenCertificateIdIsKeptAndTheSameIdTwiceIsRefusedLikeADuplicateKey() {
        String token = passwordGrant().path("access_token").asText();
        String id = UUID.randomUUID().toString();

        SandboxClient.Reply created = fourhse.postJson("/v2/certificate/create", token, certificate(id));
        SandboxClient.Reply duplicate = fourhse.postJson("/v2/certificate/create", token, certificate(id));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("certificate_id").asText()).isEqualTo(id);
        assertThat(fourhse.get("/v2/certificate/view/" + id, token).json().path("name").asText()).isEqualTo("Waste classification");
        assertThat(duplicate.status()).isEqualTo(422);
        assertThat(duplicate.json().get(0).path("field").asText()).isEqualTo("certificate_id");
        assertThat(duplicate.json().get(0).path("message").asText()).contains("has already been taken");
        assertThat(fourhse.entities("fourhse").path("certificates")).hasSize(1);
        assertThat(fourhse.postJson("/v2/certificate/index", token, Map.of("filter", Map.of("certificate_id", id)))
                .json()).hasSize(1);
    }

    @Test
    void certificateForUnknownProjectIsRefusedAndUnknownCertificateIsNotFound() {
        String token = passwordGrant().path("access_token").asText();
        Map<String, Object> elsewhere = new java.util.HashMap<>(certificate(UUID.randomUUID().toString()));
        elsewhere.put("tenant_id", UUID.randomUUID().toString());

        assertThat(fourhse.postJson("/v2/certificate/create", token, elsewhere).status()).isEqualTo(422);
        assertThat(fourhse.get("/v2/certificate/view/" + UUID.randomUUID(), token).status()).isEqualTo(404);
    }

    @Test
    void certificateWithInvalidEnumBreaksTheContract() {
        Map<String, Object> broken = new java.util.HashMap<>(certificate(UUID.randomUUID().toString()));
        broken.put("action_type", "WASTE");

        SandboxClient.Reply reply = fourhse.postJson("/v2/certificate/create", passwordGrant().path("access_token").asText(), broken);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("violations").get(0).path("key").asText()).isEqualTo("validation.request.body.schema.enum");
    }

    @Test
    void certificateActionLinksAnExistingCertificateOnce() {
        String token = passwordGrant().path("access_token").asText();
        String id = UUID.randomUUID().toString();
        fourhse.postJson("/v2/certificate/create", token, certificate(id));
        Map<String, String> link = Map.of("certificate_id", id, "action_id", ACTION_ID, "tenant_id", PROJECT_ID);

        SandboxClient.Reply created = fourhse.postJson("/v2/certificate-action/create", token, link);
        SandboxClient.Reply again = fourhse.postJson("/v2/certificate-action/create", token, link);
        SandboxClient.Reply unknown = fourhse.postJson("/v2/certificate-action/create", token,
                Map.of("certificate_id", UUID.randomUUID().toString(), "action_id", ACTION_ID, "tenant_id", PROJECT_ID));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("is_date_inherited").asInt()).isEqualTo(1);
        assertThat(created.json().path("date_expire").asText()).isEqualTo("2029-01-15");
        assertThat(again.status()).isEqualTo(422);
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(fourhse.entities("fourhse").path("certificateActions")).hasSize(1);
    }

    @Test
    void pdfIsAttachedWithMultipartAndLinkedToTheCertificate() {
        String token = passwordGrant().path("access_token").asText();
        String id = UUID.randomUUID().toString();
        fourhse.postJson("/v2/certificate/create", token, certificate(id));
        String path = "/projects/" + PROJECT_ID + "/certificates/" + id + ".pdf";
        byte[] pdf = TestPdfs.withLines("certificate");

        SandboxClient.Reply attached = fourhse.postMultipart("/v2/attachment/create", token,
                Map.of("path", path, "replace", "0"), "file", id + ".pdf", pdf);
        SandboxClient.Reply again = fourhse.postMultipart("/v2/attachment/create", token,
                Map.of("path", path, "replace", "0"), "file", id + ".pdf", pdf);
        SandboxClient.Reply replaced = fourhse.postMultipart("/v2/attachment/create", token,
                Map.of("path", path, "replace", "1"), "file", id + ".pdf", pdf);
        SandboxClient.Reply linked = fourhse.postJson("/v2/entity-attachment/create", token,
                Map.of("entity_id", id, "attachment_path", path));
        SandboxClient.Reply dangling = fourhse.postJson("/v2/entity-attachment/create", token,
                Map.of("entity_id", id, "attachment_path", "/projects/none.pdf"));

        assertThat(attached.status()).isEqualTo(201);
        assertThat(attached.json().path("size").asInt()).isEqualTo(pdf.length);
        assertThat(again.status()).isEqualTo(409);
        assertThat(replaced.status()).isEqualTo(201);
        assertThat(linked.status()).isEqualTo(201);
        assertThat(linked.json().path("attachment_id").asText()).isEqualTo(attached.json().path("attachment_id").asText());
        assertThat(dangling.status()).isEqualTo(422);
        assertThat(fourhse.entities("fourhse").path("entityAttachments")).hasSize(1);
    }

    @Test
    void attachmentWithoutPathBreaksTheContract() {
        SandboxClient.Reply reply = fourhse.postMultipart("/v2/attachment/create",
                passwordGrant().path("access_token").asText(), Map.of("replace", "0"), "file", "a.pdf", new byte[] {1});

        assertThat(reply.status()).isEqualTo(400);
        assertThat(fourhse.stats().path("fourhse").path("contractViolations").asLong()).isEqualTo(1);
    }

    private static JsonNode passwordGrant() {
        SandboxClient.Reply reply = fourhse.postForm(TOKEN_PATH, null, null, "grant_type=password&client_id="
                + FOURHSE_CLIENT_ID + "&username=" + FOURHSE_USERNAME + "&password=" + FOURHSE_PASSWORD);
        assertThat(reply.status()).isEqualTo(200);
        return reply.json();
    }

    private static SandboxClient.Reply projects(String token, Map<String, Object> body) {
        return fourhse.postJson("/v2/project/index", token, body);
    }

    private static Map<String, Object> certificate(String id) {
        return Map.of("certificate_id", id, "date_release", "2024-01-15", "date_expire", "2029-01-15",
                "name", "Waste classification", "action_type", "CHECK", "resource_id", RESOURCE_ID,
                "tenant_id", PROJECT_ID, "data", Map.of("eer_codes", new String[] {"150110"}));
    }
}
