package io.hsepipeline.extract;

import static io.hsepipeline.testing.TestKafka.header;
import static io.hsepipeline.testing.TestKafka.records;
import static io.hsepipeline.testing.TestPdfs.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;
import io.hsepipeline.testing.TopicSchemas;

/** The Extract stage against the Hypatos stand-in and a real broker, from a PDF dropped into the inbox. */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
class ExtractTest {

    private static final TestShare SHARE = TestShare.temporary("extract-test-share");
    private static final HypatosSandbox HYPATOS = new HypatosSandbox(Duration.ofMillis(300));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration REVIEW_WAIT = Duration.ofSeconds(2);
    private static final String FOLDER_EER_CODE = "16 05 06*";

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        HYPATOS.register(registry);
        // a list given here replaces the whole default list
        registry.add("hse.folders[0].name", () -> "inbox");
        registry.add("hse.folders[0].path", () -> "inbox");
        registry.add("hse.folders[0].eer-codes[0]", () -> FOLDER_EER_CODE);
        registry.add("hse.extract.poll-tick-millis", () -> "100");
        registry.add("hse.extract.poll-first-millis", () -> "200");
        registry.add("hse.extract.poll-max-millis", () -> "1000");
        registry.add("hse.extract.review-wait", () -> REVIEW_WAIT.toString());
        registry.add("hse.hypatos.token-refresh-margin", () -> "1s");
        // six quick redeliveries wait 1.3 s in all: shorter than any storm below, so only honouring the
        // reset headers gets a document through one
        registry.add("hse.retry.maximum-redeliveries", () -> "6");
        registry.add("hse.retry.initial-delay-millis", () -> "20");
        registry.add("hse.retry.maximum-delay-millis", () -> "5000");
    }

    @Autowired
    ProducerTemplate camel;

    @AfterEach
    void calmHypatos() {
        HYPATOS.faults(Map.of("hypatos", Map.of("errorRate", 0, "stormSeconds", 0, "stormRequests", 0,
                        "resetHeaderFormat", "seconds"),
                "tokenLifetimeSeconds", 3600, "processingDelayMs", 300));
    }

    @AfterAll
    static void stopSandbox() {
        HYPATOS.close();
    }

    @Test
    void droppedPdfIsExtractedWithTheEntitiesHypatosFoundAndStatusesOnTheWay() throws Exception {
        byte[] pdf = uniquePdf("Product name: Solvent Cleaner X", "Waste code 15 01 10* (packaging)");
        String name = TestShare.uniqueName("solvent-sds");
        String id = sha256(pdf);

        SHARE.drop("inbox", name, pdf);

        ConsumerRecord<String, String> record = extractedRecord(id);
        assertThat(TopicSchemas.violations("hse.documents.extracted", record.value())).isEmpty();
        JsonNode value = JSON.readTree(record.value());
        assertThat(value.get("documentId").asText()).isEqualTo(id);
        assertThat(value.get("fileName").asText()).isEqualTo(name);
        assertThat(value.get("watchedFolder").asText()).isEqualTo("inbox");
        assertThat(value.get("hypatosState").asText()).isEqualTo("doneAutomatically");
        assertThat(value.get("entities").get("productName").asText()).isEqualTo("Solvent Cleaner X");
        assertThat(value.get("entities").get("eerCodes")).extracting(JsonNode::asText).containsExactly("15 01 10*");
        assertThat(value.get("eerCodes")).extracting(JsonNode::asText).containsExactly(FOLDER_EER_CODE);
        assertThat(header(record, "ce_id")).isEqualTo(id + ".extracted");
        assertThat(header(record, "ce_type")).isEqualTo("io.hsepipeline.document.extracted");
        assertThat(header(record, "ce_source")).isEqualTo("/hse-pipeline/extract");
        assertThat(header(record, "ce_time")).isEqualTo(value.get("extractedAt").asText());
        assertThat(header(record, "content-type")).isEqualTo("application/json");

        List<JsonNode> documents = HYPATOS.documentsFor(id);
        assertThat(documents).hasSize(1);
        JsonNode document = documents.get(0);
        assertThat(document.get("id").asText()).isEqualTo(value.get("hypatosDocumentId").asText());
        assertThat(document.get("fileId").asText()).isEqualTo(value.get("hypatosFileId").asText());
        assertThat(document.path("externalData").path("fileName").asText()).isEqualTo(name);
        assertThat(document.path("externalData").path("watchedFolder").asText()).isEqualTo("inbox");
        assertThat(HYPATOS.filesNamed(name)).hasSize(1);

        assertThat(states(id)).containsSubsequence("RECEIVED", "EXTRACTING", "EXTRACTED");
        JsonNode result = JSON.readTree(journal(id).resolve("result.json").toFile()).get("fields").get("hypatos");
        assertThat(result.get("documentId").asText()).isEqualTo(document.get("id").asText());
        assertThat(result.get("fileId").asText()).isEqualTo(document.get("fileId").asText());
        assertThat(result.get("state").asText()).isEqualTo("doneAutomatically");
        assertThat(SHARE.folder("processing").resolve(id + ".pdf")).hasBinaryContent(pdf);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"reviewRequired, needs-review", "inCompletion, needs-review", "failed, failed", "junk, junk",
            "rejected, rejected"})
    void documentHypatosEndsWithoutAResultGoesToErrorWithHypatosAndTheReason(String outcome, String reason)
            throws Exception {
        byte[] pdf = uniquePdf("Product name: Unlucky", "SANDBOX-OUTCOME: " + outcome);
        String name = TestShare.uniqueName(outcome);
        String id = sha256(pdf);

        SHARE.drop("inbox", name, pdf);

        JsonNode sidecar = errorSidecar(name);
        assertThat(sidecar.get("stage").asText()).isEqualTo("extract");
        assertThat(sidecar.get("service").asText()).isEqualTo("hypatos");
        assertThat(sidecar.get("reason").asText()).isEqualTo(reason);
        assertThat(sidecar.get("detail").asText()).contains(outcome);
        assertThat(sidecar.get("action").asText()).isNotBlank();
        assertThat(SHARE.folder("error").resolve(name)).hasBinaryContent(pdf);
        ConsumerRecord<String, String> deadLetter = deadLetter(id);
        assertThat(header(deadLetter, "hse_reason")).isEqualTo(reason);
        assertThat(header(deadLetter, "hse_service")).isEqualTo("hypatos");
        assertThat(header(deadLetter, "hse_stage")).isEqualTo("extract");
        // the poller took the received record from no topic: its dead letter names the one it goes back to
        assertThat(header(deadLetter, "hse_original_topic")).isEqualTo(SHARE.topic("hse.documents.received"));
        assertThat(JSON.readTree(deadLetter.value()).get("documentId").asText()).isEqualTo(id);
        assertThat(records(SHARE.topic("hse.documents.extracted"), id)).isEmpty();
        JsonNode failed = status(id, "FAILED");
        assertThat(failed.get("reason").asText()).isEqualTo(reason);
        if (reason.equals("needs-review")) {
            Instant extracting = Instant.parse(status(id, "EXTRACTING").get("time").asText());
            assertThat(Duration.between(extracting, Instant.parse(failed.get("time").asText()))).isGreaterThan(REVIEW_WAIT);
        }
    }

    @ParameterizedTest(name = "reset header in {0}")
    @ValueSource(strings = {"seconds", "unix", "millis"})
    void rateLimitStormIsWaitedOutAsTheResetHeaderSays(String format) {
        byte[] pdf = uniquePdf("Product name: Patient", "Reset header " + format);
        String id = sha256(pdf);
        long limitedBefore = HYPATOS.stats().path("rateLimited").asLong();
        HYPATOS.faults(Map.of("hypatos", Map.of("stormSeconds", 3, "resetHeaderFormat", format)));

        SHARE.drop("inbox", TestShare.uniqueName("storm-" + format), pdf);

        extractedRecord(id);
        assertThat(HYPATOS.stats().path("rateLimited").asLong()).isGreaterThan(limitedBefore);
        assertThat(records(SHARE.deadLetterTopic("extract"), id)).isEmpty();
        assertThat(HYPATOS.documentsFor(id)).hasSize(1);
    }

    @Test
    void burstOfServerErrorsIsRetriedWithBackoff() {
        byte[] pdf = uniquePdf("Product name: Stubborn");
        String id = sha256(pdf);
        long injectedBefore = HYPATOS.stats().path("injectedErrors").asLong();
        HYPATOS.faults(Map.of("hypatos", Map.of("errorRate", 1.0)));

        SHARE.drop("inbox", TestShare.uniqueName("burst"), pdf);

        await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> HYPATOS.stats().path("injectedErrors").asLong() >= injectedBefore + 3);
        HYPATOS.faults(Map.of("hypatos", Map.of("errorRate", 0)));
        extractedRecord(id);
        assertThat(records(SHARE.deadLetterTopic("extract"), id)).isEmpty();
        assertThat(HYPATOS.documentsFor(id)).hasSize(1);
    }

    @Test
    void pollsThatMeetServerErrorsAndRefusalsAreCheckedAgainUntilExtracted() {
        byte[] pdf = uniquePdf("Product name: Patient poller");
        String id = sha256(pdf);
        HYPATOS.faults(Map.of("processingDelayMs", 3000));
        SHARE.drop("inbox", TestShare.uniqueName("poll-faults"), pdf);
        await().atMost(WAIT).until(() -> HYPATOS.documentsFor(id).size() == 1);

        long injectedBefore = HYPATOS.stats().path("injectedErrors").asLong();
        HYPATOS.faults(Map.of("hypatos", Map.of("errorRate", 1.0)));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> HYPATOS.stats().path("injectedErrors").asLong() >= injectedBefore + 2);
        long limitedBefore = HYPATOS.stats().path("rateLimited").asLong();
        HYPATOS.faults(Map.of("hypatos", Map.of("errorRate", 0, "stormRequests", 2)));

        extractedRecord(id);
        assertThat(HYPATOS.stats().path("rateLimited").asLong()).isGreaterThanOrEqualTo(limitedBefore + 2);
        assertThat(records(SHARE.deadLetterTopic("extract"), id)).isEmpty();
        assertThat(HYPATOS.documentsFor(id)).hasSize(1);
    }

    @Test
    void refusedAndExpiringTokensAreFetchedAgainWithoutLosingTheDocument() {
        byte[] first = uniquePdf("Product name: Before the reset");
        SHARE.drop("inbox", TestShare.uniqueName("tokens-before"), first);
        extractedRecord(sha256(first));
        byte[] pdf = uniquePdf("Product name: Short-lived");
        String id = sha256(pdf);
        // the sandbox forgets the token the application holds, then issues tokens that live 2 s
        HYPATOS.reset();
        HYPATOS.faults(Map.of("tokenLifetimeSeconds", 2, "processingDelayMs", 3000));

        SHARE.drop("inbox", TestShare.uniqueName("tokens"), pdf);

        extractedRecord(id);
        List<JsonNode> calls = HYPATOS.calls();
        List<JsonNode> refused = calls.stream().filter(call -> call.path("status").asInt() == 401).toList();
        assertThat(refused).as("only the forgotten token is refused; expiring ones are replaced in time").hasSize(1);
        long tokensAfterRefusal = calls.stream()
                .filter(call -> call.path("seq").asLong() > refused.get(0).path("seq").asLong())
                .filter(call -> call.path("path").asText().equals("/v2/auth/token"))
                .count();
        assertThat(tokensAfterRefusal).as("a token after the 401, then new ones before each expires").isGreaterThanOrEqualTo(2);
    }

    @Test
    void documentHypatosNoLongerKnowsIsDeadLetteredWithTheHttpStatus() throws Exception {
        byte[] pdf = uniquePdf("SANDBOX-OUTCOME: stuck");
        String name = TestShare.uniqueName("forgotten");
        String id = sha256(pdf);
        SHARE.drop("inbox", name, pdf);
        await().atMost(WAIT).until(() -> Files.exists(journal(id).resolve("extract.json"))
                && JSON.readTree(journal(id).resolve("extract.json").toFile()).has("hypatosDocumentId"));

        HYPATOS.reset();

        JsonNode sidecar = errorSidecar(name);
        assertThat(sidecar.get("service").asText()).isEqualTo("hypatos");
        assertThat(sidecar.get("reason").asText()).isEqualTo("http-404");
        assertThat(header(deadLetter(id), "hse_reason")).isEqualTo("http-404");
        assertThat(status(id, "FAILED").get("reason").asText()).isEqualTo("http-404");
    }

    @Test
    void transferIsReportedToHypatosOnceWhenCalledTwice() throws Exception {
        byte[] pdf = uniquePdf("Product name: Delivered");
        String id = sha256(pdf);
        SHARE.drop("inbox", TestShare.uniqueName("transfer"), pdf);
        String hypatosId = JSON.readTree(extractedRecord(id).value()).get("hypatosDocumentId").asText();

        Map<String, Object> transfer = Map.of("hypatosDocumentId", hypatosId, "successful", true,
                "message", "validated in HSE Genius");
        camel.sendBody("direct:hypatos-transfer", transfer);
        camel.sendBody("direct:hypatos-transfer", transfer);

        // the HSE Genius stage of this context may report the same document too: still once at Hypatos
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> HYPATOS.feedbackFor(hypatosId).size() == 1);
        assertThat(HYPATOS.feedbackFor(hypatosId).get(0).path("kind").asText()).isEqualTo("transfer");
        assertThat(HYPATOS.documentsFor(id).get(0).path("state").asText()).isEqualTo("transferred");
        assertThat(journal(id).resolve("done-hypatos-transfer.json")).exists();
    }

    private static ConsumerRecord<String, String> extractedRecord(String id) {
        String topic = SHARE.topic("hse.documents.extracted");
        await().atMost(WAIT).until(() -> records(topic, id).size() == 1);
        return records(topic, id).get(0);
    }

    private static ConsumerRecord<String, String> deadLetter(String id) {
        String topic = SHARE.deadLetterTopic("extract");
        await().atMost(WAIT).until(() -> records(topic, id).size() == 1);
        return records(topic, id).get(0);
    }

    private static JsonNode errorSidecar(String name) throws IOException {
        Path sidecar = SHARE.folder("error").resolve(name + ".error.json");
        await().atMost(WAIT).until(() -> Files.exists(sidecar));
        return JSON.readTree(sidecar.toFile());
    }

    private static List<String> states(String id) {
        await().atMost(WAIT).until(() -> records(SHARE.statusTopic(), id).size() >= 3);
        return records(SHARE.statusTopic(), id).stream().map(record -> read(record.value()).get("state").asText()).toList();
    }

    private static JsonNode status(String id, String state) {
        await().atMost(WAIT).until(() -> records(SHARE.statusTopic(), id).stream()
                .anyMatch(record -> read(record.value()).get("state").asText().equals(state)));
        return records(SHARE.statusTopic(), id).stream().map(record -> read(record.value()))
                .filter(value -> value.get("state").asText().equals(state)).findFirst().orElseThrow();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] uniquePdf(String... lines) {
        String[] all = java.util.Arrays.copyOf(lines, lines.length + 1);
        all[lines.length] = "Test copy " + UUID.randomUUID();
        return TestPdfs.withText(all);
    }

    private static Path journal(String id) {
        return SHARE.root().resolve(".hse").resolve(id);
    }
}
