package io.hsepipeline.delivery;

import static io.hsepipeline.delivery.DeliverySandbox.ACTION_ID;
import static io.hsepipeline.delivery.DeliverySandbox.RESOURCE_ID;
import static io.hsepipeline.testing.TestKafka.header;
import static io.hsepipeline.testing.TestKafka.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.dev.ReplayDeadLetters;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.outcome.DocumentOutcomes;
import io.hsepipeline.sandbox.SandboxSettings;
import io.hsepipeline.testing.TestKafka;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;
import io.hsepipeline.testing.TopicSchemas;

/** Validated records on the topic, delivered by the application to the 4HSE and QEHS stand-ins over HTTP. */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
class FanOutTest {

    private static final String SANDBOX_PROJECT = "5d1c3a52-7f0e-4b8a-9c11-5a0d6e2f4b01";
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DeliverySandbox BENCH = new DeliverySandbox(SandboxSettings.defaults()
            .withTokenLifetime(Duration.ofSeconds(3)).withHangLimit(Duration.ofSeconds(5)), "fan-out-share");

    @Autowired
    private DocumentOutcomes documents;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BENCH.register(registry);
    }

    @Test
    void validatedRecordBecomesOneLinkedCertificateWithItsPdfAndOneQehsRecordNamedInTheDoneSidecar() throws Exception {
        ReceivedDocument document = BENCH.document(uniqueName("sds"));
        byte[] pdf = Files.readAllBytes(BENCH.share().folder("processing").resolve(document.documentId() + ".pdf"));
        documents.complete(document.documentId(), "validate");
        Map<String, Object> record = DeliverySandbox.validated(document, List.of("150110*"), List.of("HP 4", "HP14"));
        String recordId = (String) record.get("recordId");
        String certificateId = NameBasedIds.of(recordId);
        assertThat(TopicSchemas.violations("hse.records.validated", DeliverySandbox.json(record))).isEmpty();

        BENCH.publish(record);

        Path sidecar = BENCH.share().folder("done").resolve(document.fileName() + ".result.json");
        await().atMost(WAIT).until(() -> sidecar(sidecar).path("qehs").has(recordId)
                && sidecar(sidecar).path("fourhse").has(recordId));
        JsonNode result = sidecar(sidecar);
        assertThat(result.path("fourhse").path(recordId).path("certificateId").asText()).isEqualTo(certificateId);
        String qehsId = result.path("qehs").path(recordId).path("recordId").asText();

        List<JsonNode> certificates = certificatesOf(recordId);
        assertThat(certificates).hasSize(1);
        JsonNode certificate = certificates.get(0);
        assertThat(certificate.path("certificate_id").asText()).isEqualTo(certificateId);
        assertThat(certificate.path("tenant_id").asText()).isEqualTo(SANDBOX_PROJECT);
        assertThat(certificate.path("resource_id").asText()).isEqualTo(RESOURCE_ID);
        assertThat(certificate.path("action_type").asText()).isEqualTo("CHECK");
        assertThat(certificate.path("validity").asInt()).isEqualTo(1);
        assertThat(certificate.path("data").path("documentId").asText()).isEqualTo(document.documentId());
        assertThat(certificate.path("data").path("eerCodes").toString()).isEqualTo("[\"150110*\"]");
        assertThat(certificate.path("data").path("hpCodes").toString()).isEqualTo("[\"HP 4\",\"HP14\"]");
        assertThat(BENCH.fourhse("certificateActions", a -> a.path("certificate_id").asText().equals(certificateId)))
                .singleElement().satisfies(a -> assertThat(a.path("action_id").asText()).isEqualTo(ACTION_ID));
        JsonNode attachment = BENCH.fourhse("attachments", a -> a.path("attachment_path").asText().contains(certificateId))
                .get(0);
        assertThat(attachment.path("sha256").asText()).isEqualTo(TestPdfs.sha256(pdf));
        assertThat(BENCH.fourhse("entityAttachments", l -> l.path("entity_id").asText().equals(certificateId)))
                .singleElement().satisfies(l -> assertThat(l.path("attachment_path").asText())
                        .isEqualTo(attachment.path("attachment_path").asText()));

        JsonNode qehs = BENCH.qehsRecords(r -> r.path("id").asText().equals(qehsId)).get(0);
        assertThat(qehs.path("moduleKey").asText()).isEqualTo("waste-classifications");
        assertThat(qehs.path("payload").path("source_record_id").asText()).isEqualTo(recordId);
        assertThat(qehs.path("payload").path("eer_codes").toString()).isEqualTo("[\"150110\"]");
        assertThat(qehs.path("payload").path("hp_codes").toString()).isEqualTo("[\"HP4\",\"HP14\"]");
        assertThat(qehs.path("payload").path("hazardous").asBoolean()).isTrue();
        assertThat(qehsRecordsOf(recordId)).hasSize(1);

        await().atMost(WAIT).until(() -> states(document.documentId()).contains("DELIVERED"));
    }

    @Test
    void sameRecordTwiceOnTheTopicCreatesNothingTwiceAndTheIdsReachTheSidecarWhenTheDocumentEndsLater() throws Exception {
        ReceivedDocument document = BENCH.document(uniqueName("analysis"));
        Map<String, Object> record = DeliverySandbox.validated(document, List.of("080111*"), List.of());
        String recordId = (String) record.get("recordId");

        BENCH.publish(record);
        BENCH.publish(record);

        await().atMost(WAIT).until(() -> offsetsPassedBoth(recordId, 2));
        assertThat(certificatesOf(recordId)).hasSize(1);
        assertThat(qehsRecordsOf(recordId)).hasSize(1);
        assertThat(BENCH.calls("fourhse", c -> c.path("path").asText().equals("/v2/certificate/create")
                && c.path("status").asInt() == 201 && certificatesOf(recordId).size() == 1)).isNotEmpty();
        assertThat(records(BENCH.share().deadLetterTopic("fourhse"))).noneMatch(r -> recordId.equals(r.key()));

        documents.complete(document.documentId(), "validate");
        JsonNode result = sidecar(BENCH.share().folder("done").resolve(document.fileName() + ".result.json"));
        assertThat(result.path("fourhse").path(recordId).path("certificateId").asText()).isEqualTo(NameBasedIds.of(recordId));
        assertThat(result.path("qehs").path(recordId).path("recordId").asText())
                .isEqualTo(qehsRecordsOf(recordId).get(0).path("id").asText());
    }

    /**
     * A kill after 4HSE or QEHS acted but before the step's once-only key was written: the record is consumed
     * again (its offset was never committed) and meets what the lost call made. 0-3: after certificate, action
     * link, attachment, attachment link (the keys of that call and those after it unset); 4: after the QEHS create.
     */
    @ParameterizedTest(name = "answer lost after call {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void recordConsumedAgainAfterAnAnswerWasLostFinishesWithExactlyOneOfEach(int lostCall) throws Exception {
        ReceivedDocument document = BENCH.document(uniqueName("killed"));
        Map<String, Object> record = DeliverySandbox.validated(document, List.of("150110*"), List.of("HP 14"));
        String recordId = (String) record.get("recordId");
        BENCH.publish(record);
        await().atMost(WAIT).until(() -> offsetsPassedBoth(recordId, 1));
        Path fourhseEntry = BENCH.journal(document.documentId()).resolve("fourhse-" + recordId + ".json");
        Path qehsEntry = BENCH.journal(document.documentId()).resolve("qehs-" + recordId + ".json");
        String qehsId = qehsRecordsOf(recordId).get(0).path("id").asText();

        // what a kill leaves: the record and its lost call not done (their once-only keys unset), the calls before done
        String documentId = document.documentId();
        if (lostCall == 4) {
            Files.delete(qehsEntry);
            forgetOnceOnly(documentId, documentId + "/qehs-" + recordId);
        } else {
            forgetOnceOnly(documentId, documentId + "/fourhse-" + recordId);
            for (String step : List.of("certificate", "action", "attachment", "link").subList(lostCall, 4)) {
                forgetOnceOnly(documentId, documentId + "/fourhse-" + step + "-" + recordId);
            }
        }
        BENCH.publish(record);

        await().atMost(WAIT).until(() -> Files.exists(fourhseEntry) && Files.exists(qehsEntry)
                && offsetsPassedBoth(recordId, 2) && JSON.readTree(fourhseEntry.toFile()).hasNonNull("deliveredAt"));
        String certificateId = NameBasedIds.of(recordId);
        assertThat(certificatesOf(recordId)).hasSize(1);
        assertThat(BENCH.fourhse("certificateActions", a -> a.path("certificate_id").asText().equals(certificateId))).hasSize(1);
        assertThat(BENCH.fourhse("attachments", a -> a.path("attachment_path").asText().contains(certificateId))).hasSize(1);
        assertThat(BENCH.fourhse("entityAttachments", l -> l.path("entity_id").asText().equals(certificateId))).hasSize(1);
        assertThat(qehsRecordsOf(recordId)).singleElement()
                .satisfies(r -> assertThat(r.path("id").asText()).isEqualTo(qehsId));
        assertThat(JSON.readTree(qehsEntry.toFile()).path("qehsRecordId").asText()).isEqualTo(qehsId);
        assertThat(records(BENCH.share().deadLetterTopic("fourhse"))).noneMatch(r -> recordId.equals(r.key()));
        assertThat(records(BENCH.share().deadLetterTopic("qehs"))).noneMatch(r -> recordId.equals(r.key()));
    }

    /** Deletes the once-only key's file (journal entry done-*.json naming the key), which must exist. */
    private static void forgetOnceOnly(String documentId, String key) throws IOException {
        List<Path> files;
        try (var entries = Files.list(BENCH.journal(documentId))) {
            files = entries.filter(f -> f.getFileName().toString().startsWith("done-")).toList();
        }
        Path file = null;
        for (Path candidate : files) {
            if (key.equals(JSON.readTree(candidate.toFile()).path("key").asText())) {
                file = candidate;
            }
        }
        assertThat(file).as("once-only key " + key).isNotNull();
        Files.delete(file);
    }

    @Test
    void tokensThatExpireOrThat4hseForgetsMidRunAreRenewedWithoutAFailure() {
        ReceivedDocument first = BENCH.document(uniqueName("token-1"));
        Map<String, Object> before = DeliverySandbox.validated(first, List.of("150110*"), List.of());
        BENCH.publish(before);
        await().atMost(WAIT).until(() -> offsetsPassedBoth((String) before.get("recordId"), 1));

        // tokens live 3 s: the next record needs a renewed one; then the stand-ins forget every token they issued
        await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
        // the renewed token lives long, so it is still good in the pipeline's eyes when the stand-ins forget it,
        // however slowly this machine runs
        BENCH.faults("{\"tokenLifetimeSeconds\": 3600}");
        ReceivedDocument second = BENCH.document(uniqueName("token-2"));
        Map<String, Object> expired = DeliverySandbox.validated(second, List.of("150110*"), List.of());
        BENCH.publish(expired);
        await().atMost(WAIT).until(() -> offsetsPassedBoth((String) expired.get("recordId"), 1));
        BENCH.reset();
        ReceivedDocument third = BENCH.document(uniqueName("token-3"));
        Map<String, Object> forgotten = DeliverySandbox.validated(third, List.of("150110*"), List.of());
        BENCH.publish(forgotten);

        await().atMost(WAIT).until(() -> offsetsPassedBoth((String) forgotten.get("recordId"), 1));
        assertThat(certificatesOf((String) forgotten.get("recordId"))).hasSize(1);
        assertThat(BENCH.calls("fourhse", c -> c.path("status").asInt() == 401)).isNotEmpty();
        assertThat(records(BENCH.share().deadLetterTopic("fourhse")))
                .noneMatch(r -> List.of(before.get("recordId"), expired.get("recordId"), forgotten.get("recordId"))
                        .contains(r.key()));
    }

    @Test
    void burstsOf429And5xxAndTimeoutsAreRetriedUntilEachRecordIsDeliveredOnce() {
        // both start in a storm of three 429s, so that every run meets refusals however busy the machine is;
        // 5xx and timeouts come at random
        BENCH.faults("{\"fourhse\": {\"stormRequests\": 3, \"errorRate\": 0.15, \"timeoutRate\": 0.05}, "
                + "\"qehs\": {\"stormRequests\": 3, \"errorRate\": 0.15, \"resetHeaderFormat\": \"millis\"}}");
        try {
            List<Map<String, Object>> published = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Map<String, Object> record = DeliverySandbox.validated(BENCH.document(uniqueName("burst")),
                        List.of("150110*"), List.of("HP 4"));
                published.add(record);
                BENCH.publish(record);
            }

            await().atMost(Duration.ofSeconds(90)).until(() -> published.stream()
                    .allMatch(r -> offsetsPassedBoth((String) r.get("recordId"), 1)));
            for (Map<String, Object> record : published) {
                assertThat(certificatesOf((String) record.get("recordId"))).hasSize(1);
                assertThat(qehsRecordsOf((String) record.get("recordId"))).hasSize(1);
                assertThat(records(BENCH.share().deadLetterTopic("fourhse"), (String) record.get("recordId"))).isEmpty();
                assertThat(records(BENCH.share().deadLetterTopic("qehs"), (String) record.get("recordId"))).isEmpty();
            }
            assertThat(BENCH.stats("fourhse").path("rateLimited").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(BENCH.stats("qehs").path("rateLimited").asInt()).isGreaterThanOrEqualTo(3);
        } finally {
            BENCH.faults("{\"fourhse\": {\"stormRequests\": 0, \"errorRate\": 0, \"timeoutRate\": 0}, "
                    + "\"qehs\": {\"stormRequests\": 0, \"errorRate\": 0, \"resetHeaderFormat\": \"unix\"}}");
        }
    }

    @Test
    void payloadTheQehsModuleWouldRefuseIsADeadLetterNamingTheField() throws Exception {
        ReceivedDocument document = BENCH.document(uniqueName("no-eer"));
        Map<String, Object> record = DeliverySandbox.validated(document, List.of(), List.of());
        String recordId = (String) record.get("recordId");

        BENCH.publish(record);

        await().atMost(WAIT).until(() -> !records(BENCH.share().deadLetterTopic("qehs"), recordId).isEmpty());
        ConsumerRecord<String, String> dead = records(BENCH.share().deadLetterTopic("qehs"), recordId).get(0);
        assertThat(header(dead, "hse_reason")).isEqualTo("mapping-invalid");
        assertThat(header(dead, "hse_detail")).contains("waste-classifications").contains("eer_codes: needs at least 1 item");
        assertThat(header(dead, "hse_document_id")).isEqualTo(document.documentId());
        assertThat(dead.value()).isEqualTo(DeliverySandbox.json(record));
        assertThat(qehsRecordsOf(recordId)).isEmpty();
        Path error = BENCH.share().folder("error").resolve(document.fileName() + ".error.json");
        await().atMost(WAIT).until(() -> Files.exists(error));
        assertThat(sidecar(error).path("reason").asText()).isEqualTo("mapping-invalid");
    }

    @Test
    void qehsRefusalIsADeadLetterWithItsProblemMadeReadable() throws Exception {
        ReceivedDocument document = BENCH.document(uniqueName("changed"));
        Map<String, Object> record = DeliverySandbox.validated(document, List.of("150110*"), List.of());
        String recordId = (String) record.get("recordId");
        BENCH.publish(record);
        await().atMost(WAIT).until(() -> offsetsPassedBoth(recordId, 1));

        // the same record id with other content, its delivery forgotten: QEHS refuses to reuse the Idempotency-Key
        // (409 problem+json)
        Files.delete(BENCH.journal(document.documentId()).resolve("qehs-" + recordId + ".json"));
        forgetOnceOnly(document.documentId(), document.documentId() + "/qehs-" + recordId);
        Map<String, Object> changed = new LinkedHashMap<>(record);
        changed.put("product", "Another product");
        BENCH.publish(changed);

        await().atMost(WAIT).until(() -> !records(BENCH.share().deadLetterTopic("qehs"), recordId).isEmpty());
        ConsumerRecord<String, String> dead = records(BENCH.share().deadLetterTopic("qehs"), recordId).get(0);
        assertThat(header(dead, "hse_reason")).isEqualTo("http-409");
        assertThat(header(dead, "hse_detail")).contains("Idempotency key reused")
                .contains("Idempotency-Key: Already used with another body");
        assertThat(qehsRecordsOf(recordId)).hasSize(1);
    }

    @Test
    void deadLetterReplayedWithTheReplayCommandAfterTheCauseIsFixedIsDeliveredOnce() {
        ReceivedDocument document = BENCH.document(uniqueName("qehs-down"));
        Map<String, Object> record = DeliverySandbox.validated(document, List.of("150110*"), List.of());
        String recordId = (String) record.get("recordId");
        String deadLetters = BENCH.share().deadLetterTopic("qehs");
        BENCH.faults("{\"qehs\": {\"errorRate\": 1.0}}");
        try {
            BENCH.publish(record);
            await().atMost(WAIT).until(() -> !records(deadLetters, recordId).isEmpty());
        } finally {
            BENCH.faults("{\"qehs\": {\"errorRate\": 0}}");
        }
        ConsumerRecord<String, String> dead = records(deadLetters, recordId).get(0);
        assertThat(header(dead, "hse_reason")).startsWith("http-5");
        assertThat(qehsRecordsOf(recordId)).isEmpty();

        List<String> replayed = new ReplayDeadLetters(TestKafka.bootstrapServers()).one(deadLetters, dead.partition(), dead.offset());

        assertThat(replayed).singleElement().asString().contains(recordId);
        await().atMost(WAIT).until(() -> qehsRecordsOf(recordId).size() == 1 && deliveredCount("qehs", recordId) == 2);
        assertThat(certificatesOf(recordId)).hasSize(1);
        ConsumerRecord<String, String> again = records(BENCH.share().topic("hse.records.validated"), recordId).get(1);
        assertThat(again.value()).isEqualTo(dead.value());
        assertThat(again.headers().lastHeader("hse_reason")).isNull();
    }

    /** Both consumer groups have committed past this many records of the key (the work behind them is done). */
    private static boolean offsetsPassedBoth(String recordId, int count) {
        return deliveredCount("fourhse", recordId) >= count && deliveredCount("qehs", recordId) >= count;
    }

    private static long deliveredCount(String group, String recordId) {
        return DeliveryProgress.committedPast("hse-" + group, BENCH.share().topic("hse.records.validated"), recordId);
    }

    private static List<JsonNode> certificatesOf(String recordId) {
        return BENCH.fourhse("certificates", c -> c.path("data").path("recordId").asText().equals(recordId));
    }

    private static List<JsonNode> qehsRecordsOf(String recordId) {
        return BENCH.qehsRecords(r -> r.path("payload").path("source_record_id").asText().equals(recordId));
    }

    private static List<String> states(String documentId) throws Exception {
        return BENCH.share().states(documentId);
    }

    private static JsonNode sidecar(Path file) throws Exception {
        return Files.exists(file) ? JSON.readTree(file.toFile()) : JSON.createObjectNode();
    }

    private static String uniqueName(String stem) {
        return TestShare.uniqueName(stem);
    }
}
