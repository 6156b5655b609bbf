package io.hsepipeline.hsegenius;

import static io.hsepipeline.testing.TestKafka.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.testing.SandboxHttp;
import io.hsepipeline.testing.StagedDocument;
import io.hsepipeline.testing.TestKafka;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;
import io.hsepipeline.testing.TopicSchemas;

/** From hse.documents.extracted to hse.records.validated and done/, against the HSE Genius sandbox. */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
class HseGeniusStageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration PARSE_MAX_WAIT = Duration.ofSeconds(15);
    private static final TestShare SHARE = TestShare.temporary("hsegenius-stage-share");
    private static final SandboxHttp SANDBOX = SandboxHttp.start(Duration.ofMillis(300));
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        SANDBOX.register(registry);
        // tokens are used past their expiry, so that HSE Genius answers 401 and the session must recover
        registry.add("hse.hsegenius.token-margin-seconds", () -> "-5");
        registry.add("hse.retry.initial-delay-millis", () -> "100");
        registry.add("hse.retry.maximum-delay-millis", () -> "1000");
        // the retry count is the exchange's, over all its calls: with injected 5xx a document makes many
        registry.add("hse.retry.maximum-redeliveries", () -> "30");
        registry.add("hse.hsegenius.parse-max-wait", () -> PARSE_MAX_WAIT.toString());
    }

    @AfterAll
    static void stopSandbox() {
        SANDBOX.close();
    }

    @Test
    void extractedDocumentBecomesValidatedRecordsWithHpCodesAndEndsInDone() throws Exception {
        ReceivedDocument doc = stage("Product name: Acetone", "15 01 10*");

        publishExtracted(doc, Map.of("productName", "Acetone", "eerCodes", List.of("15 01 10*")));

        ConsumerRecord<String, String> record = awaitValidated(doc.documentId());
        assertThat(TopicSchemas.violations("hse.records.validated", record.value())).isEmpty();
        JsonNode value = JSON.readTree(record.value());
        assertThat(record.key()).isEqualTo(value.get("recordId").asText()).startsWith("hsegenius-");
        assertThat(value.get("eerCodes")).extracting(JsonNode::asText).containsExactly("150110");
        assertThat(value.get("hpCodes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("HP4", "HP14");
        assertThat(value.get("product").asText()).isEqualTo("Acetone");
        assertThat(value.get("hypatosDocumentId").asText()).isEqualTo("hy-" + doc.documentId().substring(0, 8));
        assertThat(value.get("customer").asText()).isEqualTo("1");

        Path sidecar = SHARE.folder("done").resolve(doc.fileName() + ".result.json");
        await().atMost(WAIT).until(() -> Files.exists(sidecar));
        assertThat(SHARE.folder("done").resolve(doc.fileName())).exists();
        assertThat(SHARE.folder("processing").resolve(doc.documentId() + ".pdf")).doesNotExist();
        JsonNode result = JSON.readTree(sidecar.toFile());
        assertThat(result.at("/hsegenius/recordIds/0").asText()).isEqualTo(value.get("recordId").asText());
        assertThat(result.get("hpCodes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("HP4", "HP14");

        assertThat(uploadsOf(doc)).hasSize(1);
        JsonNode history = SANDBOX.entities("hsegenius").path("history");
        assertThat(history.findValues("customer")).extracting(JsonNode::asInt).contains(1);
        List<ConsumerRecord<String, String>> uploaded = records(SHARE.topic("hse.documents.uploaded"), doc.documentId());
        assertThat(uploaded).hasSize(1);
        assertThat(TopicSchemas.violations("hse.documents.uploaded", uploaded.get(0).value())).isEmpty();
        assertThat(states(doc)).containsSubsequence("UPLOADED", "PARSED", "VALIDATED", "PUBLISHED");
    }

    @Test
    void recordHseGeniusWillNotValidateFailsItsDocumentWithHseGeniusReason() throws Exception {
        ReceivedDocument doc = stage("Product name: Mystery solvent");

        publishExtracted(doc, Map.of("productName", "Mystery solvent"));

        Path sidecar = SHARE.folder("error").resolve(doc.fileName() + ".error.json");
        await().atMost(WAIT).until(() -> Files.exists(sidecar));
        JsonNode error = JSON.readTree(sidecar.toFile());
        assertThat(error.get("service").asText()).isEqualTo("hsegenius");
        assertThat(error.get("reason").asText()).isEqualTo("not-validatable");
        assertThat(error.get("detail").asText()).contains("no_eer_codes");
        await().atMost(WAIT).until(() -> !deadLettersOf(doc).isEmpty());
        assertThat(TestKafka.header(deadLettersOf(doc).get(0), "hse_reason")).isEqualTo("not-validatable");
        await().atMost(WAIT).until(() -> states(doc).contains("FAILED"));
        assertThat(records(SHARE.topic("hse.records.validated")).stream()
                .filter(r -> r.value().contains(doc.documentId()))).isEmpty();
    }

    @Test
    void historyFilterTheLiveSwaggerDoesNotDeclareStopsTheDocumentAsFilterNotHonouredBeforeAnythingIsValidated()
            throws Exception {
        // HSE Genius calls its upload filter otherwise: History with the filter "upload" would take every record
        SANDBOX.faults("{\"hsegenius\": {\"declaredFilters\": \"eer_codes,id,status,upload_ref\"}}");
        try {
            ReceivedDocument doc = stage("Product name: Glue", "08 01 11*");

            publishExtracted(doc, Map.of("productName", "Glue", "eerCodes", List.of("08 01 11*")));

            Path sidecar = SHARE.folder("error").resolve(doc.fileName() + ".error.json");
            await().atMost(WAIT).until(() -> Files.exists(sidecar));
            JsonNode error = JSON.readTree(sidecar.toFile());
            assertThat(error.get("reason").asText()).isEqualTo("filter-not-honoured");
            assertThat(error.get("action").asText()).contains("HSEGENIUS_HISTORY_UPLOAD_FILTER");
            assertThat(error.get("detail").asText()).contains("upload_ref");
            await().atMost(WAIT).until(() -> states(doc).contains("FAILED"));
            assertThat(validatedOf(doc.documentId())).isEmpty();
            String upload = uploadsOf(doc).get(0).path("id").asText();
            JsonNode entities = SANDBOX.entities("hsegenius");
            for (String store : List.of("validated", "history")) {
                entities.path(store).forEach(r -> assertThat(r.path("upload").asText()).isNotEqualTo(upload));
            }
        } finally {
            SANDBOX.faults("{\"hsegenius\": {\"declaredFilters\": \"eer_codes,upload,id,status,title,product_name\"}}");
        }
    }

    @Test
    void documentAKillLeftBetweenProceedAndHistoryIsHandedOnOnceAndEndsInDone() throws Exception {
        ReceivedDocument doc = stage("Product name: Thinner", "08 01 11*");
        publishExtracted(doc, Map.of("productName", "Thinner", "eerCodes", List.of("08 01 11*")));
        Path sidecar = SHARE.folder("done").resolve(doc.fileName() + ".result.json");
        await().atMost(WAIT).until(() -> Files.exists(sidecar));

        rewindToJustAfterProceed(doc);

        // a delivery's outcome may rewrite the sidecar meanwhile: the PDF leaving processing/ is the end
        await().atMost(WAIT).until(() -> Files.exists(sidecar)
                && !Files.exists(SHARE.folder("processing").resolve(doc.documentId() + ".pdf")));
        assertThat(validatedOf(doc.documentId())).hasSize(1);
        assertThat(JSON.readTree(SHARE.root().resolve(".hse").resolve(doc.documentId()).resolve("validate.json").toFile())
                .path("finished").asBoolean()).isTrue();
        assertThat(deadLettersOf(doc)).isEmpty();
    }

    @Test
    void uploadHseGeniusNeverParsesFailsAsTimeoutOfTheValidateStage() throws Exception {
        ReceivedDocument doc = stage("Product name: Never parsed", "15 01 10*");
        SANDBOX.faults("{\"processingDelayMs\": 3600000}");
        try {
            publishExtracted(doc, Map.of("productName", "Never parsed", "eerCodes", List.of("15 01 10*")));
            // the parse delay is fixed when the upload is confirmed
            await().atMost(WAIT).until(() -> uploadsOf(doc).size() == 1
                    && uploadsOf(doc).get(0).path("status").asText().equals("processing"));
        } finally {
            SANDBOX.faults("{\"processingDelayMs\": 300}");
        }

        Path sidecar = SHARE.folder("error").resolve(doc.fileName() + ".error.json");
        await().atMost(WAIT.plus(PARSE_MAX_WAIT)).until(() -> Files.exists(sidecar));
        JsonNode error = JSON.readTree(sidecar.toFile());
        assertThat(error.get("stage").asText()).isEqualTo("validate");
        assertThat(error.get("service").asText()).isEqualTo("hsegenius");
        assertThat(error.get("reason").asText()).isEqualTo("timeout");
        assertThat(error.get("action").asText()).contains("HSEGENIUS_PARSE_MAX_WAIT");
        assertThat(Instant.parse(error.get("time").asText()))
                .isAfterOrEqualTo(Instant.parse(uploadsOf(doc).get(0).path("created_at").asText())
                        .plus(PARSE_MAX_WAIT));
        await().atMost(WAIT).until(() -> states(doc).contains("FAILED"));
    }

    @Test
    void uploadAKillLeftUnjournaledIsFoundInsteadOfMadeTwice() throws Exception {
        ReceivedDocument doc = stage("Product name: Paint", "08 01 11*");
        // the pipeline journals its attempt before it sends the upload; the kill came after HSE Genius took it
        Files.writeString(Files.createDirectories(SHARE.root().resolve(".hse").resolve(doc.documentId()))
                .resolve("done-upload-attempt.json"), "{\"at\":\"" + Instant.now() + "\"}");
        uploadDirectlyToSandbox(doc);

        publishExtracted(doc, Map.of("productName", "Paint", "eerCodes", List.of("08 01 11*")));

        awaitValidated(doc.documentId());
        assertThat(uploadsOf(doc)).hasSize(1);
    }

    @Test
    void uploadWhoseAnswerWasLostAndWhichHseGeniusParsedBeforeTheRetryIsAdoptedInsteadOfMadeTwice() throws Exception {
        ReceivedDocument doc = stage("Product name: Varnish", "08 01 11*");
        // the attempt is journaled and HSE Genius carried the upload out, but its answer never arrived
        Files.writeString(Files.createDirectories(SHARE.root().resolve(".hse").resolve(doc.documentId()))
                .resolve("done-upload-attempt.json"), "{\"at\":\"" + Instant.now() + "\"}");
        String token = sandboxToken();
        uploadDirectlyToSandbox(doc, token);
        // before the retry, a batch run confirmed everything in Upload and HSE Genius parsed it: Upload lists it no more
        sandboxPost("/api/files/upload/confirm/", token);
        await().atMost(WAIT).until(() -> parsedOf(doc).size() == 1 && uploadsOf(doc).get(0).path("status").asText()
                .equals("confirmed"));
        assertThat(listedUploads(token)).noneMatch(upload -> upload.contains(doc.documentId()));

        publishExtracted(doc, Map.of("productName", "Varnish", "eerCodes", List.of("08 01 11*")));

        awaitValidated(doc.documentId());
        assertThat(uploadsOf(doc)).hasSize(1);
        JsonNode journaled = JSON.readTree(SHARE.root().resolve(".hse").resolve(doc.documentId())
                .resolve("hsegenius.json").toFile());
        assertThat(journaled.path("uploadId").asText()).isEqualTo(uploadsOf(doc).get(0).path("id").asText());
    }

    @Test
    void expiringTokensAndServerErrorsDoNotStopTheStage() throws Exception {
        // HSE Genius forgets the session the pipeline holds, so its next call meets a 401 whatever the order of tests
        SANDBOX.reset();
        int errorsBefore = SANDBOX.stats("hsegenius").path("injectedErrors").asInt();
        // every call fails until three have, then one in five; tokens expire every second
        SANDBOX.faults("{\"tokenLifetimeSeconds\": 1, \"hsegenius\": {\"errorRate\": 1.0}}");
        try {
            ReceivedDocument doc = stage("Product name: Batteries", "16 06 01*");

            publishExtracted(doc, Map.of("productName", "Batteries", "eerCodes", List.of("16 06 01*")));
            await().atMost(WAIT).until(() -> SANDBOX.stats("hsegenius").path("injectedErrors").asInt() >= errorsBefore + 3);
            SANDBOX.faults("{\"hsegenius\": {\"errorRate\": 0.2}}");

            JsonNode value = JSON.readTree(awaitValidated(doc.documentId()).value());
            assertThat(value.get("hpCodes")).extracting(JsonNode::asText).containsExactly("HP8");
            assertThat(uploadsOf(doc)).hasSize(1);
            List<Integer> statuses = new ArrayList<>();
            SANDBOX.calls("hsegenius").forEach(call -> statuses.add(call.path("status").asInt()));
            assertThat(statuses).contains(401);
        } finally {
            SANDBOX.faults("{\"tokenLifetimeSeconds\": 3600, \"hsegenius\": {\"errorRate\": 0}}");
        }
    }

    @Test
    void rateLimitStormIsWaitedOutAsHseGeniusAsks() throws Exception {
        ReceivedDocument doc = stage("Product name: Oily rags", "15 02 02*");
        SANDBOX.faults("{\"hsegenius\": {\"stormSeconds\": 3}}");

        publishExtracted(doc, Map.of("productName", "Oily rags", "eerCodes", List.of("15 02 02*")));

        JsonNode value = JSON.readTree(awaitValidated(doc.documentId()).value());
        assertThat(value.get("hpCodes")).extracting(JsonNode::asText).containsExactly("HP14");
        List<Integer> statuses = new ArrayList<>();
        SANDBOX.calls("hsegenius").forEach(call -> statuses.add(call.path("status").asInt()));
        assertThat(statuses).contains(429);
        assertThat(uploadsOf(doc)).hasSize(1);
    }

    private static List<ConsumerRecord<String, String>> deadLettersOf(ReceivedDocument doc) {
        return records(SHARE.deadLetterTopic("validate")).stream()
                .filter(r -> doc.documentId().equals(TestKafka.header(r, "hse_document_id")))
                .toList();
    }

    private ConsumerRecord<String, String> awaitValidated(String documentId) {
        await().atMost(WAIT).until(() -> validatedOf(documentId).size() == 1);
        return validatedOf(documentId).get(0);
    }

    private static List<ConsumerRecord<String, String>> validatedOf(String documentId) {
        return records(SHARE.topic("hse.records.validated")).stream()
                .filter(r -> r.value().contains(documentId)).toList();
    }

    private static List<JsonNode> uploadsOf(ReceivedDocument doc) {
        return sandboxEntitiesOf("uploads", doc);
    }

    private static List<JsonNode> parsedOf(ReceivedDocument doc) {
        return sandboxEntitiesOf("parsed", doc);
    }

    /** The document's entities in one of the HSE Genius sandbox's stores: those named after its upload's file. */
    private static List<JsonNode> sandboxEntitiesOf(String store, ReceivedDocument doc) {
        List<JsonNode> found = new ArrayList<>();
        SANDBOX.entities("hsegenius").path(store).forEach(entity -> {
            if (entity.path("filename").asText().equals(doc.documentId() + ".pdf")) {
                found.add(entity);
            }
        });
        return found;
    }

    private static List<String> states(ReceivedDocument doc) throws IOException {
        return SHARE.states(doc.documentId());
    }

    private static ReceivedDocument stage(String... lines) {
        List<String> text = new ArrayList<>(List.of(lines));
        text.add("Test copy " + UUID.randomUUID());
        return StagedDocument.received(SHARE, TestPdfs.withText(text.toArray(String[]::new)),
                TestShare.uniqueName("sds"));
    }

    private static void publishExtracted(ReceivedDocument doc, Map<String, Object> entities) throws IOException {
        Map<String, Object> extracted = Map.of(
                "documentId", doc.documentId(), "fileName", doc.fileName(), "watchedFolder", doc.watchedFolder(),
                "hypatosDocumentId", "hy-" + doc.documentId().substring(0, 8), "hypatosFileId", "file-1",
                "hypatosState", "done", "entities", entities, "eerCodes", List.of(),
                "extractedAt", Instant.now().toString());
        TestKafka.send(SHARE.topic("hse.documents.extracted"), doc.documentId(), JSON.writeValueAsString(extracted));
    }

    /**
     * What a kill right after proceed answered leaves behind: the records published and moved out of HP Finder,
     * History not yet asked, the PDF still in processing/. The validate entry is rewound last, since that makes
     * the document pending again.
     */
    private static void rewindToJustAfterProceed(ReceivedDocument doc) throws IOException {
        Path journal = SHARE.root().resolve(".hse").resolve(doc.documentId());
        Files.move(SHARE.folder("done").resolve(doc.fileName()),
                SHARE.folder("processing").resolve(doc.documentId() + ".pdf"));
        Files.delete(SHARE.folder("done").resolve(doc.fileName() + ".result.json"));
        com.fasterxml.jackson.databind.node.ObjectNode result =
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(journal.resolve("result.json").toFile());
        result.remove(List.of("endedAs", "file"));
        JSON.writeValue(journal.resolve("result.json").toFile(), result);
        com.fasterxml.jackson.databind.node.ObjectNode validate =
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(journal.resolve("validate.json").toFile());
        JSON.writeValue(journal.resolve("validate.json").toFile(), validate.put("finished", false));
    }

    /** What a kill right after HSE Genius answered the upload, before the journal, leaves behind. */
    private static void uploadDirectlyToSandbox(ReceivedDocument doc) throws Exception {
        uploadDirectlyToSandbox(doc, sandboxToken());
    }

    private static void uploadDirectlyToSandbox(ReceivedDocument doc, String token) throws Exception {
        var form = org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder.create()
                .addBinaryBody("pdf", SHARE.folder("processing").resolve(doc.documentId() + ".pdf").toFile(),
                        org.apache.hc.core5.http.ContentType.create("application/pdf"), doc.documentId() + ".pdf")
                .addTextBody("title", "Paint").addTextBody("eer_codes", "080111").build();
        var bytes = new java.io.ByteArrayOutputStream();
        form.writeTo(bytes);
        var response = HTTP.send(sandboxRequest("/api/files/upload/", token).header("Content-Type", form.getContentType())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(201);
    }

    private static String sandboxToken() throws Exception {
        String login = HTTP.send(java.net.http.HttpRequest.newBuilder(sandboxUri("/api/user/token/"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of(
                        "email", SANDBOX.applicationSettings().get("HSEGENIUS_EMAIL"),
                        "password", SANDBOX.applicationSettings().get("HSEGENIUS_PASSWORD")))))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(login).get("access").asText();
    }

    private static void sandboxPost(String path, String token) throws Exception {
        var response = HTTP.send(sandboxRequest(path, token).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    }

    /** What HSE Genius' Upload list answers, one upload a string. */
    private static List<String> listedUploads(String token) throws Exception {
        String body = HTTP.send(sandboxRequest("/api/files/upload/", token).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        List<String> listed = new ArrayList<>();
        JSON.readTree(body).forEach(upload -> listed.add(upload.toString()));
        return listed;
    }

    private static java.net.http.HttpRequest.Builder sandboxRequest(String path, String token) {
        return java.net.http.HttpRequest.newBuilder(sandboxUri(path)).header("Authorization", "Bearer " + token);
    }

    private static java.net.URI sandboxUri(String path) {
        return java.net.URI.create("http://localhost:" + SANDBOX.port("hsegenius") + path);
    }
}
