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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
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

/**
 * HSE Genius is shared by every document in flight: lists answer other uploads' records when a filter name is not
 * honoured, and proceed takes every HP Finder record with its EER codes. No customer is set, so History (checked
 * against the Swagger) is out of the way and the record-by-record guards alone decide.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
class HseGeniusSharedServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final TestShare SHARE = TestShare.temporary("hsegenius-shared-share");
    private static final SandboxHttp SANDBOX = SandboxHttp.start(Duration.ofMillis(300));
    private static final String SHARED_CODE = "15 01 10*";
    private static final List<String> OWN_CODES = List.of("01 01 01", "01 03 04*", "01 03 06", "01 03 08",
            "01 03 10*", "01 04 07*", "01 04 09", "01 04 11", "01 04 13", "01 05 04", "01 05 06*", "01 05 08",
            "02 01 01", "02 01 03", "02 01 06");

    @Autowired
    CamelContext camel;

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("hsegeniusHealthIndicator")
    org.springframework.boot.actuate.health.HealthIndicator hsegeniusHealth;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        SANDBOX.register(registry);
        registry.add("HSEGENIUS_CUSTOMER_ID", () -> "");
        registry.add("hse.retry.initial-delay-millis", () -> "100");
        registry.add("hse.retry.maximum-delay-millis", () -> "1000");
        registry.add("hse.hsegenius.parse-max-wait", () -> "PT30S");
    }

    @AfterAll
    static void stopSandbox() {
        SANDBOX.close();
    }

    @Test
    void filterHseGeniusIgnoresPublishesNoRecordUnderAnotherDocumentAndStopsTheRestAsFilterNotHonoured() throws Exception {
        SANDBOX.faults("{\"hsegenius\": {\"undeclaredFilters\": \"ignore\", \"declaredFilters\": \"eer_codes,title,product_name\"}}");
        try {
            List<ReceivedDocument> docs = dropTwenty();

            await().atMost(WAIT).until(() -> docs.stream().allMatch(this::ended));

            assertEveryPublishedRecordIsItsDocumentsOwn(docs);
            int failed = 0;
            for (ReceivedDocument doc : docs) {
                Path error = SHARE.folder("error").resolve(doc.fileName() + ".error.json");
                if (Files.exists(error)) {
                    failed++;
                    JsonNode sidecar = JSON.readTree(error.toFile());
                    assertThat(sidecar.get("reason").asText()).isEqualTo("filter-not-honoured");
                    assertThat(sidecar.get("action").asText()).containsPattern("HSEGENIUS_(UPLOAD_FILTER|VALIDATE_SELECTION)");
                    assertThat(validatedOf(doc.documentId())).isEmpty();
                    assertThat(states(doc)).contains("FAILED");
                } else {
                    JsonNode result = JSON.readTree(SHARE.folder("done").resolve(doc.fileName() + ".result.json").toFile());
                    assertThat(result.at("/hsegenius/recordIds")).extracting(JsonNode::asText)
                            .containsExactlyElementsOf(recordIdsOf(doc));
                }
            }
            assertThat(failed).as("documents stopped as filter-not-honoured").isPositive();
        } finally {
            SANDBOX.faults("{\"hsegenius\": {\"undeclaredFilters\": \"honour\", \"declaredFilters\": \"eer_codes,upload,id,status,title,product_name\"}}");
        }
    }

    @Test
    void filterHseGeniusHonoursLetsEveryRecordOfTwentyDocumentsBePublishedOnceUnderItsOwnDocument() throws Exception {
        List<ReceivedDocument> docs = dropTwenty();

        await().atMost(WAIT).until(() -> docs.stream().allMatch(this::ended));

        for (ReceivedDocument doc : docs) {
            assertThat(SHARE.folder("done").resolve(doc.fileName() + ".result.json")).exists();
            assertThat(validatedOf(doc.documentId())).hasSize(1);
        }
        assertEveryPublishedRecordIsItsDocumentsOwn(docs);
    }

    @Test
    void proceedOfSharedEerCodesWaitsUntilEveryValidatedRecordOfDocumentsInWorkIsPublished() throws Exception {
        // the batch is held while four documents with one EER code are validated at once, as a kill after validate leaves them
        camel.getRouteController().stopRoute("hsegenius-validate");
        List<ReceivedDocument> docs = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                ReceivedDocument doc = stage("Product name: Shared " + i, SHARED_CODE);
                docs.add(doc);
                publishExtracted(doc, "Shared " + i, SHARED_CODE);
            }
            await().atMost(WAIT).until(() -> docs.stream().allMatch(d -> uploadOf(d) != null
                    && Files.exists(SHARE.root().resolve(".hse").resolve(d.documentId()).resolve("hsegenius.json"))));
            // each upload route confirmed its upload right away (no batch run needed for that)
            HseGeniusClient hsegenius = new HseGeniusClient(SANDBOX);
            await().atMost(WAIT).until(() -> docs.stream().allMatch(d -> parsedOf(d).size() == 1));
            List<Integer> ids = new ArrayList<>();
            docs.forEach(d -> ids.add(parsedOf(d).get(0).path("id").asInt()));
            hsegenius.post("/api/files/imported/validate/", JSON.writeValueAsString(Map.of("id", ids)));
        } finally {
            camel.getRouteController().startRoute("hsegenius-validate");
        }

        await().atMost(WAIT).until(() -> docs.stream().allMatch(this::ended));

        for (ReceivedDocument doc : docs) {
            assertThat(SHARE.folder("done").resolve(doc.fileName() + ".result.json")).exists();
            assertThat(validatedOf(doc.documentId())).hasSize(1);
        }
        assertEveryPublishedRecordIsItsDocumentsOwn(docs);
        assertThat(SANDBOX.entities("hsegenius").path("validated")).isEmpty();
    }

    @Test
    void startUpChecksShowInHseGeniusHealthWithTheFilterNamesTheSwaggerDeclares() {
        await().atMost(WAIT).until(() -> hsegeniusHealth.health().getStatus()
                != org.springframework.boot.actuate.health.Status.UNKNOWN);

        org.springframework.boot.actuate.health.Health health = hsegeniusHealth.health();
        assertThat(health.getStatus()).isEqualTo(org.springframework.boot.actuate.health.Status.UP);
        assertThat(health.getDetails().get("filter HSEGENIUS_UPLOAD_FILTER on /api/files/imported/").toString())
                .contains("'upload' is declared");
        assertThat(health.getDetails().toString()).doesNotContain(SANDBOX.applicationSettings().get("HSEGENIUS_PASSWORD"));
    }

    /** 20 documents at once, 5 of them with one EER code, the others each with a code of its own. */
    private List<ReceivedDocument> dropTwenty() throws IOException {
        List<ReceivedDocument> docs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String code = i < 5 ? SHARED_CODE : OWN_CODES.get(i - 5);
            docs.add(stage("Product name: Product " + i, code));
        }
        for (int i = 0; i < docs.size(); i++) {
            publishExtracted(docs.get(i), "Product " + i, i < 5 ? SHARED_CODE : OWN_CODES.get(i - 5));
        }
        return docs;
    }

    /** Each record on hse.records.validated names the document whose upload HSE Genius made it from. */
    private void assertEveryPublishedRecordIsItsDocumentsOwn(List<ReceivedDocument> docs) throws IOException {
        Map<String, String> uploadOwners = new HashMap<>();
        for (ReceivedDocument doc : docs) {
            uploadOwners.put(uploadOf(doc).path("id").asText(), doc.documentId());
        }
        Map<String, String> recordUploads = new HashMap<>();
        JsonNode entities = SANDBOX.entities("hsegenius");
        for (String store : List.of("parsed", "validated", "history")) {
            entities.path(store).forEach(r -> recordUploads.put(r.path("id").asText(), r.path("upload").asText()));
        }
        for (ConsumerRecord<String, String> record : records(SHARE.topic("hse.records.validated"))) {
            JsonNode value = JSON.readTree(record.value());
            String upload = recordUploads.get(value.get("hsegeniusRecordId").asText());
            if (uploadOwners.containsKey(upload) || uploadOwners.containsValue(value.get("documentId").asText())) {
                assertThat(value.get("documentId").asText()).as("document of record " + value.get("recordId"))
                        .isEqualTo(uploadOwners.get(upload));
                assertThat(value.get("hsegeniusUploadId").asText()).isEqualTo(upload);
            }
        }
        // what 4HSE and QEHS were given so far names the same document as the record it came from
        Map<String, String> publishedUnder = new HashMap<>();
        for (ConsumerRecord<String, String> record : records(SHARE.topic("hse.records.validated"))) {
            JsonNode value = JSON.readTree(record.value());
            publishedUnder.put(value.get("recordId").asText(), value.get("documentId").asText());
        }
        for (JsonNode delivered : SANDBOX.entities("qehs").path("records")) {
            JsonNode payload = delivered.path("payload");
            assertThat(payload.path("document_id").asText()).as("QEHS record of " + payload.path("source_record_id"))
                    .isEqualTo(publishedUnder.get(payload.path("source_record_id").asText()));
        }
        for (JsonNode delivered : SANDBOX.entities("fourhse").path("certificates")) {
            JsonNode data = delivered.path("data");
            assertThat(data.path("documentId").asText()).as("4HSE certificate of " + data.path("recordId"))
                    .isEqualTo(publishedUnder.get(data.path("recordId").asText()));
        }
        for (ReceivedDocument doc : docs) {
            List<String> published = new ArrayList<>();
            validatedOf(doc.documentId()).forEach(r -> published.add(r.key()));
            assertThat(published).as("records published for " + doc.fileName()).doesNotHaveDuplicates();
        }
    }

    private boolean ended(ReceivedDocument doc) {
        return Files.exists(SHARE.folder("done").resolve(doc.fileName() + ".result.json"))
                || Files.exists(SHARE.folder("error").resolve(doc.fileName() + ".error.json"));
    }

    private List<String> recordIdsOf(ReceivedDocument doc) throws IOException {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<String, String> r : validatedOf(doc.documentId())) {
            ids.add(r.key());
        }
        return ids;
    }

    private static List<ConsumerRecord<String, String>> validatedOf(String documentId) {
        return records(SHARE.topic("hse.records.validated")).stream()
                .filter(r -> r.value().contains("\"documentId\":\"" + documentId + "\"")).toList();
    }

    private static JsonNode uploadOf(ReceivedDocument doc) {
        for (JsonNode u : SANDBOX.entities("hsegenius").path("uploads")) {
            if (u.path("filename").asText().equals(doc.documentId() + ".pdf")) {
                return u;
            }
        }
        return null;
    }

    private static List<JsonNode> parsedOf(ReceivedDocument doc) {
        JsonNode upload = uploadOf(doc);
        List<JsonNode> parsed = new ArrayList<>();
        SANDBOX.entities("hsegenius").path("parsed").forEach(r -> {
            if (upload != null && r.path("upload").asText().equals(upload.path("id").asText())) {
                parsed.add(r);
            }
        });
        return parsed;
    }

    private static List<String> states(ReceivedDocument doc) throws IOException {
        return SHARE.states(doc.documentId());
    }

    private static ReceivedDocument stage(String... lines) {
        List<String> text = new ArrayList<>(List.of(lines));
        text.add("Test copy " + UUID.randomUUID());
        return StagedDocument.received(SHARE, TestPdfs.withText(text.toArray(String[]::new)), TestShare.uniqueName("sds"));
    }

    private static void publishExtracted(ReceivedDocument doc, String product, String eerCode) throws IOException {
        Map<String, Object> extracted = Map.of(
                "documentId", doc.documentId(), "fileName", doc.fileName(), "watchedFolder", doc.watchedFolder(),
                "hypatosDocumentId", "hy-" + doc.documentId().substring(0, 8), "hypatosFileId", "file-1",
                "hypatosState", "done", "entities", Map.of("productName", product, "eerCodes", List.of(eerCode)),
                "eerCodes", List.of(), "extractedAt", Instant.now().toString());
        TestKafka.send(SHARE.topic("hse.documents.extracted"), doc.documentId(), JSON.writeValueAsString(extracted));
    }
}
