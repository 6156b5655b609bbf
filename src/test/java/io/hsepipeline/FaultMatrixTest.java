package io.hsepipeline;

import static io.hsepipeline.testing.TestKafka.header;
import static io.hsepipeline.testing.TestKafka.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.delivery.NameBasedIds;
import io.hsepipeline.sandbox.SandboxSettings;
import io.hsepipeline.testing.SandboxHttp;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/**
 * The fault matrix: the whole pipeline against the sandbox, one fault per case, a few PDFs dropped into the inbox
 * each time. Whatever the fault, every document ends in done/, nothing is created twice at any service, each
 * validated record is on hse.records.validated once and no record becomes a dead letter.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
class FaultMatrixTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(150);
    private static final List<String> STAGES = List.of("extract", "hsegenius", "validate", "fourhse", "qehs");
    private static final List<String> SERVICES = List.of("hypatos", "hsegenius", "fourhse", "qehs");
    private static final TestShare SHARE = TestShare.temporary("fault-matrix-share");
    // requests never answered are dropped after 5 s, so hung sandbox threads do not pile up
    private static final SandboxHttp SANDBOX = SandboxHttp.start(SandboxSettings.defaults()
            .withProcessingDelay(Duration.ofMillis(300)).withHangLimit(Duration.ofSeconds(5)));

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        SANDBOX.register(registry);
        // 4HSE by password grant, so that it has tokens to expire and forget
        registry.add("FOURHSE_API_KEY", () -> "");
        // tokens are renewed 1 s before they expire, so a short token lifetime is met, not renewed at every call
        registry.add("hse.hypatos.token-refresh-margin", () -> "1s");
        registry.add("hse.hsegenius.token-margin-seconds", () -> "1");
        registry.add("hse.fourhse.token-margin-seconds", () -> "1");
        // the redelivery count is per exchange, and one exchange makes up to ten calls (a 4HSE delivery: token,
        // project, lookup, certificate, action, attachment, link), each of which meets the 5xx share: 5 would
        // give up on some exchanges of a case at 20 %; 10 is enough, and short backoffs keep each case small
        registry.add("hse.retry.maximum-redeliveries", () -> "10");
        registry.add("hse.retry.initial-delay-millis", () -> "100");
        registry.add("hse.retry.maximum-delay-millis", () -> "1000");
        // a request the sandbox never answers costs 2 s; the latency spikes stay below it
        registry.add("hse.http.response-timeout-millis", () -> "2000");
        registry.add("hse.extract.poll-first-millis", () -> "500");
    }

    @AfterAll
    static void stopSandbox() {
        SANDBOX.close();
    }

    @AfterEach
    void calmServices() {
        SANDBOX.faults("{\"all\": {\"latencyMs\": 0, \"jitterMs\": 0, \"errorRate\": 0, \"timeoutRate\": 0,"
                + " \"stormRequests\": 0, \"lostAnswers\": 0},"
                + " \"hypatos\": {\"resetHeaderFormat\": \"seconds\"}, \"fourhse\": {\"resetHeaderFormat\": \"seconds\"},"
                + " \"qehs\": {\"resetHeaderFormat\": \"unix\"}, \"tokenLifetimeSeconds\": 3600}");
    }

    @Test
    void latencySpikesAtEveryServiceBelowTheResponseTimeoutEndEveryDocumentOnce() {
        // 0.2 to 1.8 s on every call, under the 2 s response timeout: slow, never failed
        SANDBOX.faults("{\"all\": {\"latencyMs\": 1000, \"jitterMs\": 800}}");

        List<Doc> docs = drop("latency", 2);

        assertEveryDocumentDoneOnce(docs);
    }

    @Test
    void aFifthOfAllCallsAnswered5xxAreRetriedUntilEveryDocumentEndsOnce() {
        Map<String, Long> before = stats("injectedErrors");
        SANDBOX.faults("{\"all\": {\"errorRate\": 0.2}}");

        List<Doc> docs = drop("errors", 3);

        assertEveryDocumentDoneOnce(docs);
        assertThat(increase(before, stats("injectedErrors")).values().stream().mapToLong(Long::longValue).sum())
                .isPositive();
    }

    @Test
    void answersLostAfterTheServiceActedAndCallsNeverAnsweredCreateNothingTwice() {
        Map<String, Long> before = stats("injectedTimeouts");
        // every kind of write loses its first answer after the service carried it out; 5 % of all calls hang
        SANDBOX.faults("{\"all\": {\"lostAnswers\": 8, \"timeoutRate\": 0.05}}");

        List<Doc> docs = drop("timeouts", 2);

        assertEveryDocumentDoneOnce(docs);
        assertThat(increase(before, stats("injectedTimeouts"))).allSatisfy((service, lost) ->
                assertThat(lost).as(service).isPositive());
    }

    @ParameterizedTest
    @ValueSource(strings = {"seconds", "unix", "millis"})
    void rateLimitStormsAreWaitedOutWhateverTheResetHeaderFormat(String format) {
        Map<String, Long> before = stats("rateLimited");
        // Hypatos, 4HSE and QEHS say when to come back in the reset header; HSE Genius in Retry-After
        SANDBOX.faults("{\"all\": {\"stormRequests\": 3}, \"hypatos\": {\"resetHeaderFormat\": \"" + format + "\"},"
                + " \"fourhse\": {\"resetHeaderFormat\": \"" + format + "\"},"
                + " \"qehs\": {\"resetHeaderFormat\": \"" + format + "\"}}");

        List<Doc> docs = drop("storm-" + format, 2);

        assertEveryDocumentDoneOnce(docs);
        assertThat(increase(before, stats("rateLimited"))).allSatisfy((service, refused) ->
                assertThat(refused).as(service).isGreaterThanOrEqualTo(3));
    }

    @Test
    void tokensThatExpireDuringTheRunAreRenewedAtEachService() {
        // every token the pipeline holds is forgotten, so it gets only 2 s tokens from now on; the latency makes
        // each service's share of the run outlast one token whatever the machine's speed
        SANDBOX.reset();
        // 600 ms: a 4HSE record alone (four calls in a row) outlasts one token, however many records go at once
        SANDBOX.faults("{\"tokenLifetimeSeconds\": 2, \"all\": {\"latencyMs\": 600}}");

        List<Doc> docs = drop("token-expiry", 2);

        assertEveryDocumentDoneOnce(docs);
        for (String service : List.of("hypatos", "hsegenius", "fourhse")) {
            assertThat(calls(service, c -> c.path("path").asText().contains("token") && c.path("status").asInt() == 200))
                    .as(service + " tokens").hasSizeGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void tokensTheServicesForgetAreReplacedWithoutCreatingTwice() {
        // a first document leaves the pipeline holding a long-lived token at every service
        assertEveryDocumentDoneOnce(drop("token-warm-up", 1));
        SANDBOX.reset();

        List<Doc> docs = drop("token-forgotten", 2);

        assertEveryDocumentDoneOnce(docs);
        for (String service : List.of("hypatos", "hsegenius", "fourhse")) {
            assertThat(calls(service, c -> c.path("status").asInt() == 401)).as(service + " refusals").isNotEmpty();
        }
    }

    @Test
    void doneFolderReplacedByAFileForAWhileStillEndsEveryDocumentInDoneOnce() throws IOException {
        Path done = SHARE.folder("done");
        Path away = SHARE.root().resolve("done-away");
        Files.move(done, away);
        Files.writeString(done, "not a folder");
        List<Doc> docs;
        try {
            docs = drop("unwritable", 2);
            // each document was handed on at HSE Genius and its move to done/ was refused
            await().atMost(WAIT).until(() -> docs.stream().allMatch(FaultMatrixTest::moveRefused));
            // and the share stays broken longer than the retries of one exchange last (10 retries, at most 1 s apart)
            await().pollDelay(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(13)).until(() -> true);
            assertThat(docs).allSatisfy(doc -> assertThat(SHARE.folder("processing").resolve(doc.id + ".pdf")).exists());
        } finally {
            Files.delete(done);
            Files.move(away, done);
        }

        assertEveryDocumentDoneOnce(docs);
    }

    // ---- the case's documents and what every case asserts

    private record Doc(String name, String id, String product, byte[] pdf) {
    }

    private static List<Doc> drop(String label, int count) {
        List<Doc> docs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String product = "Fault " + label + " " + UUID.randomUUID().toString().substring(0, 8);
            byte[] pdf = TestPdfs.withText("Safety data sheet", "Product name: " + product, "Waste code 15 01 10*",
                    "Issued 2026-01-15");
            docs.add(new Doc(TestShare.uniqueName(label), TestPdfs.sha256(pdf), product, pdf));
        }
        docs.forEach(doc -> SHARE.drop("inbox", doc.name, doc.pdf));
        return docs;
    }

    /**
     * Every document in done/ with both deliveries in its sidecar and DONE as its last state; once at Hypatos
     * and HSE Genius; each of its validated records once on the topic, once at 4HSE (certificate, action link,
     * attachment and its link) and once at QEHS; no dead letter anywhere.
     */
    private static void assertEveryDocumentDoneOnce(List<Doc> docs) {
        await().atMost(WAIT).until(() -> docs.stream().allMatch(FaultMatrixTest::ended));
        for (Doc doc : docs) {
            assertThat(SHARE.folder("done").resolve(doc.name)).hasBinaryContent(doc.pdf);
            assertThat(SHARE.folder("processing").resolve(doc.id + ".pdf")).doesNotExist();
            assertThat(SHARE.folder("error").resolve(doc.name)).doesNotExist();

            assertThat(select(SANDBOX.entities("hypatos").path("documents"), d -> d.path("title").asText().equals(doc.name)))
                    .as("Hypatos documents of " + doc.name).hasSize(1);
            assertThat(select(SANDBOX.entities("hsegenius").path("uploads"), u -> u.path("title").asText().equals(doc.product)))
                    .as("HSE Genius uploads of " + doc.name).hasSize(1);

            Map<String, Long> published = validatedOf(doc).stream()
                    .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
            assertThat(published).as("records of " + doc.name + " on hse.records.validated").isNotEmpty()
                    .allSatisfy((recordId, times) -> assertThat(times).as(recordId).isEqualTo(1));
            JsonNode fourhse = SANDBOX.entities("fourhse");
            JsonNode qehs = SANDBOX.entities("qehs");
            assertThat(select(fourhse.path("certificates"), c -> c.path("data").path("documentId").asText().equals(doc.id)))
                    .as("4HSE certificates of " + doc.name).hasSize(published.size());
            for (String recordId : published.keySet()) {
                String certificateId = NameBasedIds.of(recordId);
                assertThat(select(fourhse.path("certificates"), c -> c.path("certificate_id").asText().equals(certificateId)))
                        .as("certificate of " + recordId).hasSize(1);
                assertThat(select(fourhse.path("certificateActions"), a -> a.path("certificate_id").asText().equals(certificateId)))
                        .as("action link of " + recordId).hasSize(1);
                assertThat(select(fourhse.path("attachments"), a -> a.path("attachment_path").asText().contains(certificateId)))
                        .as("attachment of " + recordId).hasSize(1);
                assertThat(select(fourhse.path("entityAttachments"), l -> l.path("entity_id").asText().equals(certificateId)))
                        .as("attachment link of " + recordId).hasSize(1);
                assertThat(select(qehs.path("records"), r -> r.path("payload").path("source_record_id").asText().equals(recordId)))
                        .as("QEHS records of " + recordId).hasSize(1);
            }
        }
        List<String> ids = docs.stream().map(Doc::id).toList();
        for (String stage : STAGES) {
            assertThat(records(SHARE.deadLetterTopic(stage))).as("dead letters of " + stage)
                    .noneMatch(r -> ids.contains(header(r, "hse_document_id")));
        }
    }

    private static boolean ended(Doc doc) {
        Path sidecar = SHARE.folder("done").resolve(doc.name + ".result.json");
        if (!Files.isRegularFile(sidecar) || !states(doc).contains("DONE")) {
            return false;
        }
        JsonNode result = read(sidecar);
        List<ConsumerRecord<String, String>> validated = validatedOf(doc);
        return !validated.isEmpty() && validated.stream().allMatch(r ->
                result.at("/fourhse/" + r.key() + "/certificateId").isTextual()
                        && result.at("/qehs/" + r.key() + "/recordId").isTextual());
    }

    /** The document's end was journaled as DONE, but its PDF is still in processing/: the move failed. */
    private static boolean moveRefused(Doc doc) {
        Path result = SHARE.root().resolve(".hse").resolve(doc.id).resolve("result.json");
        return Files.exists(result) && "DONE".equals(read(result).path("endedAs").asText())
                && Files.exists(SHARE.folder("processing").resolve(doc.id + ".pdf"));
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<ConsumerRecord<String, String>> validatedOf(Doc doc) {
        return records(SHARE.topic("hse.records.validated")).stream()
                .filter(r -> r.value().contains(doc.id)).toList();
    }

    private static List<String> states(Doc doc) {
        return SHARE.states(doc.id);
    }

    private static List<JsonNode> calls(String service, Predicate<JsonNode> matching) {
        return select(SANDBOX.calls(service), matching);
    }

    private static List<JsonNode> select(JsonNode array, Predicate<JsonNode> matching) {
        List<JsonNode> selected = new ArrayList<>();
        array.forEach(node -> {
            if (matching.test(node)) {
                selected.add(node);
            }
        });
        return selected;
    }

    private static Map<String, Long> stats(String counter) {
        return SERVICES.stream().collect(Collectors.toMap(s -> s, s -> SANDBOX.stats(s).path(counter).asLong()));
    }

    private static Map<String, Long> increase(Map<String, Long> before, Map<String, Long> after) {
        return after.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)));
    }
}
