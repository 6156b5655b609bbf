package io.hsepipeline.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.hsepipeline.sandbox.DefaultCredentials.HSEGENIUS_EMAIL;
import static io.hsepipeline.sandbox.DefaultCredentials.HSEGENIUS_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HseGeniusSandboxTest {

    private static Sandbox sandbox;
    private static SandboxClient genius;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxSettings.defaults().withPorts(0, 0, 0, 0)
                .withProcessingDelay(Duration.ofMillis(300)));
        genius = new SandboxClient(sandbox, "hsegenius");
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        genius.reset();
    }

    @Test
    void loginWithEmailAndPasswordReturnsAccessAndRefreshJwts() {
        JsonNode pair = login();

        assertThat(pair.path("access").asText().split("\\.")).hasSize(3);
        assertThat(pair.path("refresh").asText().split("\\.")).hasSize(3);
        assertThat(genius.get("/api/eer/eer/", pair.path("access").asText()).status()).isEqualTo(200);
    }

    @Test
    void wrongPasswordIsRefusedWith401() {
        SandboxClient.Reply reply = genius.postJson("/api/user/token/", null,
                Map.of("email", HSEGENIUS_EMAIL, "password", "wrong"));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().path("detail").asText()).isEqualTo("No active account found with the given credentials");
    }

    @Test
    void missingOrWrongTokenIsRefusedWith401BeforeTheBodyIsChecked() {
        // confirm takes no body, so a body breaks the contract
        Map<String, Object> body = Map.of("unexpected", true);

        SandboxClient.Reply anonymous = genius.postJson("/api/files/upload/confirm/", null, body);
        SandboxClient.Reply wrongToken = genius.postJson("/api/files/upload/confirm/", "not.a.jwt", body);
        SandboxClient.Reply authenticated = genius.postJson("/api/files/upload/confirm/", login().path("access").asText(), body);

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"api\"");
        assertThat(anonymous.json().path("detail").asText()).isEqualTo("Authentication credentials were not provided.");
        assertThat(wrongToken.status()).isEqualTo(401);
        assertThat(wrongToken.json().path("code").asText()).isEqualTo("token_not_valid");
        assertThat(authenticated.status()).isEqualTo(400);
        assertThat(authenticated.json().path("violations")).isNotEmpty();
        assertThat(genius.stats().path("hsegenius").path("contractViolations").asLong()).isEqualTo(1);
    }

    @Test
    void loginRefusesAMalformedBodyAsTheContractSaysAndWrongCredentialsWith401() {
        SandboxClient.Reply withoutPassword = genius.postJson("/api/user/token/", null, Map.of("email", HSEGENIUS_EMAIL));
        SandboxClient.Reply wrongPassword = genius.postJson("/api/user/token/", null,
                Map.of("email", HSEGENIUS_EMAIL, "password", "wrong"));

        assertThat(withoutPassword.status()).isEqualTo(400);
        assertThat(withoutPassword.json().path("violations").get(0).path("message").asText()).contains("password");
        assertThat(wrongPassword.status()).isEqualTo(401);
    }

    @Test
    void expiredAccessIsRefusedAndRefreshIssuesANewOne() {
        genius.faults(Map.of("tokenLifetimeSeconds", 1));
        JsonNode pair = login();
        String access = pair.path("access").asText();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> genius.get("/api/customer/", access).status() == 401);
        assertThat(genius.get("/api/customer/", access).json().path("code").asText()).isEqualTo("token_not_valid");

        SandboxClient.Reply refreshed = genius.postJson("/api/user/token/refresh/", null,
                Map.of("refresh", pair.path("refresh").asText()));
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(genius.get("/api/customer/", refreshed.json().path("access").asText()).status()).isEqualTo(200);
    }

    @Test
    void uploadedPdfIsParsedAfterConfirmValidatedWithHpCodesAndProceeded() {
        String token = login().path("access").asText();
        SandboxClient.Reply upload = upload(token, "Paint sludge", "080111,150110",
                TestPdfs.withLines("Product name: Paint Sludge 7", "Waste 08 01 11*"));
        assertThat(upload.status()).isEqualTo(201);
        int uploadId = upload.json().path("id").asInt();

        SandboxClient.Reply confirm = genius.postEmpty("/api/files/upload/confirm/", token);
        assertThat(confirm.status()).isEqualTo(200);
        assertThat(confirm.json().path("message").asText()).isEqualTo("Processing started!");

        JsonNode record = awaitParsed(token, uploadId);
        assertThat(record.path("product_name").asText()).isEqualTo("Paint Sludge 7");
        assertThat(record.path("eer_codes")).extracting(JsonNode::asText).containsExactly("080111", "150110");

        JsonNode check = genius.postJson("/api/files/imported/validate-constraint/", token,
                Map.of("id", List.of(record.path("id").asInt()))).json();
        assertThat(check.path("can_validate").asBoolean()).isTrue();

        SandboxClient.Reply validate = genius.postJson("/api/files/imported/validate/", token,
                Map.of("id", List.of(record.path("id").asInt())));
        assertThat(validate.status()).isEqualTo(200);
        JsonNode validated = genius.get("/api/files/hp-finder/?eer_codes=080111", token).json().get(0);
        assertThat(validated.path("hp_codes")).extracting(JsonNode::asText).containsExactly("HP3", "HP14", "HP4");
        assertThat(validated.path("hazardous").asBoolean()).isTrue();
        assertThat(genius.get("/api/files/imported/", token).json()).isEmpty();

        SandboxClient.Reply proceed = genius.postJson("/api/files/hp-finder/proceed/?eer_codes=080111", token,
                Map.of("language", "en"));
        assertThat(proceed.json().path("processed").asInt()).isEqualTo(1);
        assertThat(genius.get("/api/files/hp-finder/", token).json()).isEmpty();
        assertThat(genius.entities("hsegenius").path("history").get(0).path("status").asText()).isEqualTo("processed");
    }

    @Test
    void hpCodesWrittenInThePdfWinOverTheCatalogue() {
        String token = login().path("access").asText();
        int uploadId = upload(token, "Lab waste", "160506",
                TestPdfs.withLines("Product name: Reagent mix", "Hazard properties: HP 6, HP 10")).json().path("id").asInt();
        genius.postEmpty("/api/files/upload/confirm/", token);
        int recordId = awaitParsed(token, uploadId).path("id").asInt();

        genius.postJson("/api/files/imported/validate/", token, Map.of("id", List.of(recordId)));

        assertThat(genius.get("/api/files/hp-finder/", token).json().get(0).path("hp_codes"))
                .extracting(JsonNode::asText).containsExactly("HP6", "HP10");
    }

    @Test
    void validateRefusesRecordsWithoutEerCodes() {
        String token = login().path("access").asText();
        int uploadId = upload(token, "No codes", null, TestPdfs.withLines("Product name: Mystery")).json().path("id").asInt();
        genius.postEmpty("/api/files/upload/confirm/", token);
        int recordId = awaitParsed(token, uploadId).path("id").asInt();

        JsonNode check = genius.postJson("/api/files/imported/validate-constraint/", token, Map.of()).json();
        SandboxClient.Reply validate = genius.postJson("/api/files/imported/validate/", token, Map.of("id", List.of(recordId)));

        assertThat(check.path("can_validate").asBoolean()).isFalse();
        assertThat(check.path("records").get(0).path("reasons")).extracting(JsonNode::asText).containsExactly("no_eer_codes");
        assertThat(validate.status()).isEqualTo(400);
        assertThat(validate.json().path("ids")).extracting(JsonNode::asInt).containsExactly(recordId);
        assertThat(genius.get("/api/files/hp-finder/", token).json()).isEmpty();

        genius.send(genius.request("/api/files/imported/" + recordId + "/").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"eer_codes\": \"150102\"}")));
        assertThat(genius.postJson("/api/files/imported/validate/", token, Map.of("id", List.of(recordId))).status())
                .isEqualTo(200);
        assertThat(genius.get("/api/files/hp-finder/", token).json().get(0).path("hp_codes")).isEmpty();
    }

    @Test
    void uploadWithoutPdfPartBreaksTheContract() {
        SandboxClient.Reply reply = genius.postMultipart("/api/files/upload/", login().path("access").asText(),
                Map.of("title", "no file"), null, null, null);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("violations").get(0).path("message").asText()).contains("pdf");
        assertThat(genius.postJson("/api/files/upload/confirm/", login().path("access").asText(), Map.of()).status())
                .as("confirm takes no body").isEqualTo(400);
        assertThat(genius.stats().path("hsegenius").path("contractViolations").asLong()).isEqualTo(2);
    }

    @Test
    void uploadWithUnknownEerCodeIsRefused() {
        SandboxClient.Reply reply = upload(login().path("access").asText(), "Bad", "15 01 10*", TestPdfs.withLines("x"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("eer_codes").get(0).asText()).contains("15 01 10*");
    }

    @Test
    void catalogueIsTheWholeEuropeanListOfWaste() {
        JsonNode eer = genius.get("/api/eer/eer/", login().path("access").asText()).json();

        assertThat(eer).hasSize(842);
        assertThat(eer).filteredOn(e -> e.path("hazardous").asBoolean()).hasSize(408);
        assertThat(eer).extracting(e -> e.path("code").asText()).allMatch(code -> code.matches("\\d{6}")).doesNotHaveDuplicates();
        assertThat(eer).extracting(e -> e.path("code").asText().substring(0, 2)).containsOnly(
                "01", "02", "03", "04", "05", "06", "07", "08", "09", "10",
                "11", "12", "13", "14", "15", "16", "17", "18", "19", "20");
        assertThat(eer).filteredOn(e -> e.path("code").asText().equals("160107"))
                .extracting(e -> e.path("display").asText() + " " + e.path("description").asText())
                .containsExactly("16 01 07* oil filters");
    }

    @Test
    void uploadAcceptsACodeOfTheWholeListAndRefusesOneOutsideIt() {
        String token = login().path("access").asText();

        SandboxClient.Reply oilFilters = upload(token, "Oil filters", "160107", TestPdfs.withLines("x"));
        SandboxClient.Reply noSuchCode = upload(token, "Nothing", "999999", TestPdfs.withLines("x"));

        assertThat(oilFilters.status()).isEqualTo(201);
        assertThat(oilFilters.json().path("eer_codes")).extracting(JsonNode::asText).containsExactly("160107");
        assertThat(noSuchCode.status()).isEqualTo(400);
        assertThat(noSuchCode.json().path("eer_codes").get(0).asText()).contains("999999");
    }

    @Test
    void hazardousCodesWithoutCuratedHpCodesGetTheDocumentedRule() {
        String token = login().path("access").asText();
        // 160107 oil filters: no rule matches, HP14; 180103 infectious waste: HP9; 200101 paper is not hazardous
        int uploadId = upload(token, "Workshop", "160107,180103,200101", TestPdfs.withLines("Product name: Filters"))
                .json().path("id").asInt();
        genius.postEmpty("/api/files/upload/confirm/", token);
        int recordId = awaitParsed(token, uploadId).path("id").asInt();

        genius.postJson("/api/files/imported/validate/", token, Map.of("id", List.of(recordId)));

        JsonNode validated = genius.get("/api/files/hp-finder/", token).json().get(0);
        assertThat(validated.path("hp_codes")).extracting(JsonNode::asText).containsExactly("HP14", "HP9");
        assertThat(validated.path("hazardous").asBoolean()).isTrue();
    }

    @Test
    void confirmWithNothingInUploadIsRefused() {
        assertThat(genius.postEmpty("/api/files/upload/confirm/", login().path("access").asText()).status())
                .isEqualTo(400);
    }

    @Test
    void historyAssignsParsedRecordsToAKnownCustomerOnly() {
        String token = login().path("access").asText();
        int uploadId = upload(token, "For history", "150102", TestPdfs.withLines("Product name: Film")).json().path("id").asInt();
        genius.postEmpty("/api/files/upload/confirm/", token);
        int recordId = awaitParsed(token, uploadId).path("id").asInt();

        SandboxClient.Reply unknown = genius.postJson("/api/files/imported/history/", token,
                Map.of("customer", 99, "filters", Map.of("id", List.of(recordId))));
        SandboxClient.Reply sent = genius.postJson("/api/files/imported/history/", token,
                Map.of("customer", 1, "filters", Map.of("id", List.of(recordId)), "remove_from_parsed", true));

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("customer").get(0).asText()).contains("does not exist");
        assertThat(sent.status()).isEqualTo(200);
        assertThat(genius.entities("hsegenius").path("history").get(0).path("customer").asInt()).isEqualTo(1);
        assertThat(genius.get("/api/files/imported/", token).json()).isEmpty();
    }

    @Test
    void eerCodesAndCustomersAreListed() {
        String token = login().path("access").asText();

        JsonNode eer = genius.get("/api/eer/eer/", token).json();
        JsonNode customers = genius.get("/api/customer/", token).json();

        assertThat(eer).extracting(e -> e.path("code").asText()).contains("150110", "150102");
        assertThat(customers).extracting(c -> c.path("id").asInt()).contains(1);
    }

    @Test
    void undeclaredFilterNamesAreIgnoredLikeDjangoFilterWhenTheKnobSaysIgnoreAndTheSwaggerDeclaresTheOthers() {
        String token = login().path("access").asText();
        int first = upload(token, "First", "150110", TestPdfs.withLines("Product name: First")).json().path("id").asInt();
        int second = upload(token, "Second", "150110", TestPdfs.withLines("Product name: Second")).json().path("id").asInt();
        genius.postEmpty("/api/files/upload/confirm/", token);
        awaitParsed(token, first);
        awaitParsed(token, second);

        assertThat(genius.faults(Map.of("hsegenius", Map.of("undeclaredFilters", "ignore",
                "declaredFilters", "eer_codes,upload_ref"))).status()).isEqualTo(200);
        JsonNode ignored = genius.get("/api/files/imported/?upload=" + first, token).json();
        JsonNode swagger = genius.get("/api/docs/", token).json();
        JsonNode constraint = genius.postJson("/api/files/imported/validate-constraint/", token,
                Map.of("id", List.of(ignored.get(0).path("id").asInt()))).json();

        assertThat(ignored).extracting(r -> r.path("upload").asInt()).containsExactlyInAnyOrder(first, second);
        assertThat(constraint.path("records")).hasSize(2);
        assertThat(swagger.at("/paths/~1api~1files~1imported~1/get/parameters")).extracting(p -> p.path("name").asText())
                .containsExactly("eer_codes", "upload_ref");

        genius.faults(Map.of("hsegenius", Map.of("undeclaredFilters", "honour")));
        assertThat(genius.get("/api/files/imported/?upload=" + first, token).json())
                .extracting(r -> r.path("upload").asInt()).containsExactly(first);
    }

    private static JsonNode login() {
        SandboxClient.Reply reply = genius.postJson("/api/user/token/", null,
                Map.of("email", HSEGENIUS_EMAIL, "password", HSEGENIUS_PASSWORD));
        assertThat(reply.status()).isEqualTo(200);
        return reply.json();
    }

    private static SandboxClient.Reply upload(String token, String title, String eerCodes, byte[] pdf) {
        Map<String, String> fields = eerCodes == null ? Map.of("title", title) : Map.of("title", title, "eer_codes", eerCodes);
        return genius.postMultipart("/api/files/upload/", token, fields, "pdf", "doc.pdf", pdf);
    }

    private static JsonNode awaitParsed(String token, int uploadId) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> genius.get("/api/files/imported/?upload=" + uploadId, token).json(), list -> list.size() == 1)
                .get(0);
    }
}
