package io.hsepipeline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.kafka.KafkaClients;
import io.hsepipeline.kafka.TopicLookup;
import io.hsepipeline.share.PipelineSettings;
import io.hsepipeline.share.ShareFolders;
import io.hsepipeline.status.DocumentState;
import io.hsepipeline.records.StatusRecord;
import io.hsepipeline.testing.SandboxHttp;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/** The status API on the application port, against the whole pipeline, real Kafka and the sandbox. */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StatusApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final TestShare SHARE = TestShare.temporary("status-api-share");
    private static final SandboxHttp SANDBOX = SandboxHttp.start(Duration.ofMillis(300));
    private static final Mappings MAPPINGS = Mappings.copy();
    private static final String UNKNOWN = "0".repeat(64);

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    KafkaClients kafka;

    @Autowired
    PipelineSettings settings;

    @Autowired
    DocumentJournal journal;

    @Autowired
    ShareFolders share;

    @Autowired
    StatusStore store;

    @Autowired
    ProducerTemplate camel;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        SANDBOX.register(registry);
        registry.add("hse.mappings", () -> MAPPINGS.dir().toString());
    }

    @AfterAll
    static void stopSandbox() {
        SANDBOX.close();
    }

    @Test
    void documentThroughEveryStageHasItsFullTimelineIdsAndSidecar() throws Exception {
        ApiClient api = new ApiClient(port);
        byte[] pdf = acetone();
        String id = TestPdfs.sha256(pdf);
        String name = TestShare.uniqueName("acetone");

        SHARE.drop("inbox", name, pdf);

        await().atMost(WAIT).until(() -> "DONE".equals(api.document(id).path("state").asText()));
        JsonNode document = api.document(id);
        assertThat(document.path("fileName").asText()).isEqualTo(name);
        assertThat(document.path("watchedFolder").asText()).isEqualTo("inbox");
        assertThat(document.path("retryable").asBoolean()).isFalse();
        assertThat(states(document)).containsSubsequence("RECEIVED", "EXTRACTING", "EXTRACTED", "UPLOADED",
                "VALIDATED", "PUBLISHED", "DELIVERED", "DONE");
        assertThat(document.path("timeline")).allSatisfy(entry -> assertThat(entry.path("time").asText()).isNotBlank());
        assertThat(document.at("/ids/hypatos/documentId").asText()).isNotBlank();
        assertThat(document.at("/ids/hsegenius/uploadId").asText()).isNotBlank();
        assertThat(document.at("/ids/fourhse")).hasSize(1);
        assertThat(document.at("/ids/qehs")).hasSize(1);
        assertThat(document.at("/location/path").asText()).isEqualTo("done/" + name);

        HttpResponse<String> sidecar = api.get(document.path("sidecar").asText());
        assertThat(sidecar.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(sidecar.body()))
                .isEqualTo(JSON.readTree(SHARE.folder("done").resolve(name + ".result.json").toFile()));

        JsonNode done = ApiClient.json(api.get("/api/documents?state=DONE&folder=inbox&since=2000-01-01T00:00:00Z"));
        assertThat(done.path("items")).extracting(item -> item.path("documentId").asText()).contains(id);
        assertThat(done.at("/counts/DONE").asInt()).isPositive();

        // after compaction the topic may hold the latest state only: the journal on the share still proves these
        StatusStore forgotten = new StatusStore(kafka, new TopicLookup(kafka), settings, JSON, 1);
        DocumentViews.Detail fromJournal = new DocumentViews(forgotten, journal, share).detail(id).orElseThrow();
        assertThat(fromJournal.timeline()).extracting(DocumentViews.TimelineEntry::state)
                .containsExactly("RECEIVED", "PUBLISHED", "DONE");
        assertThat(fromJournal.timeline()).extracting(DocumentViews.TimelineEntry::source).containsOnly("journal");
        assertThat(fromJournal.state()).isEqualTo("DONE");
        assertThat(fromJournal.ids()).containsKeys("hypatos", "hsegenius", "fourhse", "qehs");

        HttpResponse<String> notFailed = api.post("/api/documents/" + id + "/retry", Map.of());
        assertThat(notFailed.statusCode()).isEqualTo(409);
        assertThat(notFailed.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(ApiClient.json(notFailed).path("detail").asText()).contains("DONE, not FAILED");
    }

    @Test
    void failedDocumentShowsWhyAndRetryAfterTheFixTakesItToDone() throws Exception {
        ApiClient api = new ApiClient(port);
        byte[] pdf = acetone();
        String id = TestPdfs.sha256(pdf);
        String name = TestShare.uniqueName("acetone-failing");
        MAPPINGS.breakMapping(Mappings.HSEGENIUS_UPLOAD);
        try {
            SHARE.drop("inbox", name, pdf);
            await().atMost(WAIT).until(() -> "FAILED".equals(api.document(id).path("state").asText())
                    && Files.exists(SHARE.folder("error").resolve(name)));
        } finally {
            MAPPINGS.repair(Mappings.HSEGENIUS_UPLOAD);
        }
        JsonNode failed = api.document(id);
        assertThat(failed.path("stage").asText()).isEqualTo("hsegenius");
        assertThat(failed.path("detail").asText()).contains("mapping under repair");
        assertThat(failed.path("retryable").asBoolean()).isTrue();
        assertThat(states(failed)).containsSubsequence("RECEIVED", "EXTRACTED", "FAILED");
        assertThat(failed.at("/ids/hypatos/documentId").asText()).isNotBlank();
        assertThat(ApiClient.json(api.get(failed.path("sidecar").asText())).path("stage").asText()).isEqualTo("hsegenius");
        String hypatosId = failed.at("/ids/hypatos/documentId").asText();
        // Hypatos is told the transfer failed (after the FAILED status, by the same dead-letter route)
        await().atMost(WAIT).until(() -> transfersTold(hypatosId).equals(List.of(false)));

        HttpResponse<String> retried = api.post("/api/documents/" + id + "/retry", Map.of());
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        assertThat(ApiClient.json(retried).path("state").asText()).isEqualTo("EXTRACTED");
        assertThat(api.post("/api/documents/" + id + "/retry", Map.of()).statusCode()).isEqualTo(409);

        await().atMost(WAIT).until(() -> "DONE".equals(api.document(id).path("state").asText()));
        JsonNode done = api.document(id);
        assertThat(states(done)).containsSubsequence("RECEIVED", "EXTRACTED", "FAILED", "EXTRACTED", "UPLOADED",
                "PUBLISHED", "DONE");
        assertThat(done.at("/ids/hsegenius/uploadId").asText()).isNotBlank();
        assertThat(SHARE.folder("done").resolve(name)).hasBinaryContent(pdf);
        assertThat(SHARE.folder("error").resolve(name)).doesNotExist();
        assertThat(SHARE.folder("error").resolve(name + ".error.json")).doesNotExist();
        assertThat(SHARE.folder("processing").resolve(id + ".pdf")).doesNotExist();
        // the retried upload succeeded: Hypatos hears it, as after a first successful upload
        await().atMost(WAIT).until(() -> transfersTold(hypatosId).equals(List.of(false, true)));
        assertThat(SANDBOX.entities("hypatos").path("documents")).filteredOn(d -> d.path("id").asText().equals(hypatosId))
                .singleElement().satisfies(d -> assertThat(d.path("state").asText()).isEqualTo("transferred"));
    }

    @Test
    void documentFailedAtValidateIsValidatedByTheNextBatchRunAfterTheFixAndNothingIsMadeTwice() throws Exception {
        ApiClient api = new ApiClient(port);
        byte[] pdf = acetone();
        String id = TestPdfs.sha256(pdf);
        String name = TestShare.uniqueName("acetone-validate-failing");
        // HSE Genius's Swagger stops declaring History's filter by upload: the batch refuses to validate the document
        SANDBOX.faults("{\"hsegenius\": {\"declaredFilters\": \"eer_codes,id,status,title,product_name\"}}");
        try {
            SHARE.drop("inbox", name, pdf);
            await().atMost(WAIT).until(() -> "FAILED".equals(api.document(id).path("state").asText())
                    && Files.exists(SHARE.folder("error").resolve(name)));
        } finally {
            SANDBOX.faults("{\"hsegenius\": {\"declaredFilters\": \"eer_codes,upload,id,status,title,product_name\"}}");
        }
        JsonNode failed = api.document(id);
        assertThat(failed.path("stage").asText()).isEqualTo("validate");
        assertThat(failed.path("detail").asText()).contains("does not declare the filter 'upload'");
        assertThat(failed.path("retryable").asBoolean()).isTrue();
        String uploadId = failed.at("/ids/hsegenius/uploadId").asText();
        assertThat(uploadId).isNotBlank();

        HttpResponse<String> retried = api.post("/api/documents/" + id + "/retry", Map.of());
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        assertThat(ApiClient.json(retried).path("state").asText()).isEqualTo("UPLOADED");
        assertThat(SHARE.folder("processing").resolve(id + ".pdf")).hasBinaryContent(pdf);
        assertThat(api.post("/api/documents/" + id + "/retry", Map.of()).statusCode()).isEqualTo(409);

        await().atMost(WAIT).until(() -> "DONE".equals(api.document(id).path("state").asText()));
        JsonNode done = api.document(id);
        assertThat(states(done)).containsSubsequence("UPLOADED", "FAILED", "UPLOADED", "VALIDATED", "PUBLISHED", "DONE");
        // the same upload validated: HSE Genius holds one upload of the document, each service one record
        assertThat(done.at("/ids/hsegenius/uploadId").asText()).isEqualTo(uploadId);
        assertThat(SANDBOX.entities("hsegenius").path("uploads"))
                .filteredOn(upload -> upload.path("filename").asText().equals(id + ".pdf")).hasSize(1);
        assertThat(done.at("/ids/fourhse")).hasSize(1);
        assertThat(done.at("/ids/qehs")).hasSize(1);
        assertThat(SHARE.folder("done").resolve(name)).hasBinaryContent(pdf);
        assertThat(SHARE.folder("error").resolve(name)).doesNotExist();
        assertThat(SHARE.folder("error").resolve(name + ".error.json")).doesNotExist();
        // Hypatos heard of the successful upload once, and of nothing else: validate is after the transfer
        assertThat(transfersTold(done.at("/ids/hypatos/documentId").asText())).containsExactly(true);
    }

    @Test
    void failedDeliveryIsRetriedAfterTheFixAndTheDocumentEndsDone() {
        ApiClient api = new ApiClient(port);
        byte[] pdf = acetone();
        String id = TestPdfs.sha256(pdf);
        String name = TestShare.uniqueName("acetone-qehs-failing");
        MAPPINGS.breakMapping(Mappings.QEHS_RECORD);
        try {
            SHARE.drop("inbox", name, pdf);
            // the PDF stays in done/: a delivery failing after publication is the record's, not the file's
            await().atMost(WAIT).until(() -> api.document(id).path("retryable").asBoolean()
                    && Files.exists(SHARE.folder("done").resolve(name)));
        } finally {
            MAPPINGS.repair(Mappings.QEHS_RECORD);
        }
        JsonNode failed = api.document(id);
        assertThat(failed.path("timeline")).anySatisfy(entry -> {
            assertThat(entry.path("state").asText()).isEqualTo("FAILED");
            assertThat(entry.path("stage").asText()).isEqualTo("qehs");
        });
        // 4HSE's DELIVERED written after QEHS's FAILED, as it may be: the list still shows the document FAILED at qehs
        camel.sendBody("direct:document-status", new StatusRecord(id, DocumentState.DELIVERED, "fourhse", name, "inbox",
                Instant.now().toString(), null, null));
        await().atMost(WAIT).until(() -> store.latest(id).map(s -> s.state() == DocumentState.DELIVERED
                && s.stage().equals("fourhse")).orElse(false));
        JsonNode listed = ApiClient.json(api.get("/api/documents?state=FAILED&size=500"));
        assertThat(listed.path("items")).filteredOn(item -> item.path("documentId").asText().equals(id)).singleElement()
                .satisfies(item -> {
                    assertThat(item.path("stage").asText()).isEqualTo("qehs");
                    assertThat(item.path("reason").asText()).isNotBlank();
                });
        assertThat(ApiClient.json(api.get("/api/documents?state=DELIVERED&size=500")).path("items"))
                .noneSatisfy(item -> assertThat(item.path("documentId").asText()).isEqualTo(id));
        assertThat(api.document(id).path("state").asText()).isEqualTo("FAILED");

        HttpResponse<String> retried = api.post("/api/documents/" + id + "/retry", Map.of());
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        assertThat(ApiClient.json(retried).path("state").asText()).isEqualTo("PUBLISHED");

        await().atMost(WAIT).until(() -> "DONE".equals(api.document(id).path("state").asText()));
        JsonNode done = api.document(id);
        assertThat(done.path("retryable").asBoolean()).isFalse();
        assertThat(done.at("/ids/qehs")).hasSize(1);
        assertThat(done.at("/ids/fourhse")).hasSize(1);
        assertThat(SHARE.folder("done").resolve(name)).hasBinaryContent(pdf);
    }

    @Test
    void documentsThatEndedBeforeTheLastOneAreForgottenYetCountedAndAnsweredFromTheTopic() throws Exception {
        ApiClient api = new ApiClient(port);
        byte[] first = acetone();
        byte[] second = acetone();
        SHARE.drop("inbox", TestShare.uniqueName("acetone-first"), first);
        SHARE.drop("inbox", TestShare.uniqueName("acetone-second"), second);
        List<String> ids = List.of(TestPdfs.sha256(first), TestPdfs.sha256(second));
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> "DONE".equals(api.document(id).path("state").asText())));

        // a store that keeps one ended document: at least one of the two is forgotten once the topic is read
        StatusStore capped = new StatusStore(kafka, new TopicLookup(kafka), settings, JSON, 1);
        capped.start();
        try {
            await().atMost(WAIT).until(capped::caughtUp);
            String forgotten = ids.stream().filter(id -> capped.history(id).isEmpty()).findFirst().orElseThrow();
            DocumentViews views = new DocumentViews(capped, journal, share);

            Map<String, Long> all = ApiClient.json(api.get("/api/documents?size=1")).path("counts").properties().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().asLong()));
            assertThat(views.counts()).isEqualTo(all);
            assertThat(views.list(DocumentState.DONE, null, null)).hasSize(1);
            assertThat(capped.documentsInMemory()).isLessThan(all.values().stream().mapToInt(Long::intValue).sum());

            DocumentViews.Detail detail = views.detail(forgotten).orElseThrow();
            assertThat(detail.state()).isEqualTo("DONE");
            // the states only the topic has (the journal proves RECEIVED, PUBLISHED and DONE): read from it again
            assertThat(detail.timeline()).filteredOn(entry -> "status".equals(entry.source()))
                    .extracting(DocumentViews.TimelineEntry::state).contains("EXTRACTED", "UPLOADED", "DONE");
        } finally {
            capped.stop();
        }
    }

    @Test
    void unknownDocumentIsA404ProblemSayingWhatAnIdIs() {
        ApiClient api = new ApiClient(port);
        for (HttpResponse<String> response : List.of(api.get("/api/documents/" + UNKNOWN),
                api.get("/api/documents/" + UNKNOWN + "/sidecar"), api.get("/api/documents/not-an-id"),
                api.post("/api/documents/" + UNKNOWN + "/retry", Map.of()))) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(ApiClient.json(response).path("detail").asText()).contains("SHA-256");
        }
        assertThat(api.get("/api/documents?state=NOPE").statusCode()).isEqualTo(400);
    }

    @Test
    void retryFromAnotherSitesPageIsRefused() {
        ApiClient api = new ApiClient(port);
        HttpResponse<String> crossSite = api.post("/api/documents/" + UNKNOWN + "/retry",
                Map.of("Origin", "https://elsewhere.example", "Sec-Fetch-Site", "cross-site"));
        assertThat(crossSite.statusCode()).isEqualTo(403);
        HttpResponse<String> sameOrigin = api.post("/api/documents/" + UNKNOWN + "/retry",
                Map.of("Origin", "http://localhost:" + port, "Sec-Fetch-Site", "same-origin"));
        assertThat(sameOrigin.statusCode()).isEqualTo(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void servedEndpointsAreExactlyThoseOfTheServedOpenApiDocument() {
        HttpResponse<String> served = new ApiClient(port).get("/openapi.yaml");
        assertThat(served.statusCode()).isEqualTo(200);
        Map<String, Object> openapi = new Yaml().load(served.body());
        Set<String> documented = new HashSet<>();
        ((Map<String, Map<String, Object>>) openapi.get("paths")).forEach((path, operations) ->
                operations.keySet().forEach(method -> documented.add(method.toUpperCase() + " " + path)));
        Set<String> implemented = new HashSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (method.getBeanType() == DocumentsController.class) {
                info.getPatternValues().forEach(pattern -> info.getMethodsCondition().getMethods()
                        .forEach(verb -> implemented.add(verb.name() + " " + pattern)));
            }
        });
        assertThat(implemented).isNotEmpty().isEqualTo(documented);
        assertThat(new ApiClient(port).get("/").body()).contains("status.js");
    }

    /** What the Hypatos sandbox was told of the document's transfer (successful or not), oldest first. */
    private static List<Boolean> transfersTold(String hypatosId) {
        return StreamSupport.stream(SANDBOX.entities("hypatos").path("feedback").spliterator(), false)
                .filter(f -> f.path("kind").asText().equals("transfer") && f.path("documentId").asText().equals(hypatosId))
                .sorted(Comparator.comparing(f -> Instant.parse(f.path("at").asText())))
                .map(f -> f.at("/body/successful").asBoolean()).toList();
    }

    private static List<String> states(JsonNode document) {
        return StreamSupport.stream(document.path("timeline").spliterator(), false)
                .map(entry -> entry.path("state").asText()).toList();
    }

    private static byte[] acetone() {
        return TestPdfs.withText("Safety data sheet", "Product name: Acetone", "Waste code 15 01 10*",
                "Issued 2026-01-15", "Copy " + UUID.randomUUID());
    }
}
