package io.hsepipeline.intake;

import static io.hsepipeline.testing.TestKafka.header;
import static io.hsepipeline.testing.TestKafka.records;
import static io.hsepipeline.testing.TestPdfs.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.kafka.KafkaIdempotentRepository;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.kafka.KafkaClients;
import io.hsepipeline.share.PipelineSettings;
import io.hsepipeline.testing.TestKafka;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;
import io.hsepipeline.testing.TopicSchemas;

@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
class IntakeTest {

    private static final TestShare SHARE = TestShare.temporary("intake-test-share");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    private KafkaClients clients;
    @Autowired
    private PipelineSettings settings;
    @Autowired
    private CamelContext camel;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        registry.add("hse.intake.max-file-size", () -> "200KB");
    }

    @Test
    void goodPdfIsPublishedWithKeyValueAndCloudEventsHeadersAndMovedToProcessing() throws Exception {
        byte[] pdf = uniquePdf("Product name: Acetone");
        String name = TestShare.uniqueName("acetone-sds");
        String id = sha256(pdf);
        Instant before = Instant.now();

        SHARE.drop("inbox", name, pdf);

        await().atMost(WAIT).until(() -> records(SHARE.receivedTopic(), id).size() == 1);
        ConsumerRecord<String, String> record = records(SHARE.receivedTopic(), id).get(0);
        assertThat(TopicSchemas.violations("hse.documents.received", record.value())).isEmpty();
        JsonNode value = JSON.readTree(record.value());
        assertThat(value.get("documentId").asText()).isEqualTo(id);
        assertThat(value.get("sha256").asText()).isEqualTo(id);
        assertThat(value.get("fileName").asText()).isEqualTo(name);
        assertThat(value.get("watchedFolder").asText()).isEqualTo("inbox");
        assertThat(value.get("size").asLong()).isEqualTo(pdf.length);
        assertThat(Instant.parse(value.get("receivedAt").asText())).isAfterOrEqualTo(before.minusSeconds(1));
        assertThat(value.get("eerCodes").isArray()).isTrue();
        assertThat(header(record, "ce_id")).isEqualTo(id + ".received");
        assertThat(header(record, "ce_type")).isEqualTo("io.hsepipeline.document.received");
        assertThat(header(record, "ce_source")).isEqualTo("/hse-pipeline/intake/inbox");
        assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(record, "ce_time")).isEqualTo(value.get("receivedAt").asText());
        assertThat(header(record, "content-type")).isEqualTo("application/json");

        assertThat(SHARE.folder("processing").resolve(id + ".pdf")).hasBinaryContent(pdf);
        assertThat(SHARE.folder("inbox").resolve(name)).doesNotExist();

        await().atMost(WAIT).until(() -> records(SHARE.statusTopic(), id).size() == 1);
        ConsumerRecord<String, String> status = records(SHARE.statusTopic(), id).get(0);
        assertThat(TopicSchemas.violations("hse.documents.status", status.value())).isEmpty();
        assertThat(JSON.readTree(status.value()).get("state").asText()).isEqualTo("RECEIVED");
        assertThat(header(status, "ce_id")).isEqualTo(id + ".RECEIVED");
    }

    static Stream<Arguments> badFiles() {
        byte[] large = Arrays.copyOf(uniquePdf("Too large"), 300 * 1024);
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("not-a-pdf", TestPdfs.notAPdf()),
                Arguments.of("damaged", TestPdfs.damaged()),
                Arguments.of("password-protected", TestPdfs.passwordProtected()),
                Arguments.of("no-pages", TestPdfs.withoutPages()),
                Arguments.of("bytes-before-header", withBytesBefore(uniquePdf("Mail header kept"))),
                Arguments.of("too-large", large));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFileIsSetAsideInErrorWithItsReasonAndNothingReachesKafka(String reason, byte[] bytes) throws Exception {
        String name = TestShare.uniqueName(reason);

        SHARE.drop("inbox", name, bytes);

        Path sidecar = SHARE.folder("error").resolve(name + ".error.json");
        await().atMost(WAIT).until(() -> Files.exists(sidecar));
        assertThat(SHARE.folder("error").resolve(name)).hasBinaryContent(bytes);
        assertThat(SHARE.folder("inbox").resolve(name)).doesNotExist();
        JsonNode error = JSON.readTree(sidecar.toFile());
        assertThat(error.get("stage").asText()).isEqualTo("intake");
        assertThat(error.get("reason").asText()).isEqualTo(reason);
        assertThat(error.get("detail").asText()).isNotBlank();
        assertThat(error.get("action").asText()).isNotBlank();
        assertThat(Instant.parse(error.get("time").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(error.get("fileName").asText()).isEqualTo(name);
        assertThat(records(SHARE.receivedTopic(), sha256(bytes))).isEmpty();
        assertThat(records(SHARE.statusTopic(), sha256(bytes))).isEmpty();
    }

    @Test
    void symbolicLinkIsRefusedAndWhatItPointsAtIsNeverRead() throws Exception {
        byte[] outside = uniquePdf("A PDF outside the share");
        Path target = Files.createTempDirectory("outside-the-share").resolve("private.pdf");
        Files.write(target, outside);
        String name = TestShare.uniqueName("link");

        Files.createSymbolicLink(SHARE.folder("inbox").resolve(name), target);

        Path sidecar = SHARE.folder("error").resolve(name + ".error.json");
        await().atMost(WAIT).until(() -> Files.exists(sidecar));
        JsonNode error = JSON.readTree(sidecar.toFile());
        assertThat(error.get("reason").asText()).isEqualTo("symbolic-link");
        assertThat(error.get("action").asText()).contains("not a link");
        assertThat(error.has("documentId")).isFalse();
        assertThat(Files.isSymbolicLink(SHARE.folder("error").resolve(name))).isTrue();
        assertThat(target).hasBinaryContent(outside);
        assertThat(records(SHARE.receivedTopic(), sha256(outside))).isEmpty();
        assertThat(records(SHARE.statusTopic(), sha256(outside))).isEmpty();
    }

    @Test
    void sameBytesAgainAreSetAsideAsDuplicateNamingTheFirstFile() throws Exception {
        byte[] pdf = uniquePdf("Waste analysis");
        String id = sha256(pdf);
        String first = TestShare.uniqueName("analysis");
        String again = TestShare.uniqueName("analysis-copy");

        SHARE.drop("inbox", first, pdf);
        await().atMost(WAIT).until(() -> records(SHARE.receivedTopic(), id).size() == 1);
        SHARE.drop("inbox", again, pdf);

        Path sidecar = SHARE.folder("duplicate").resolve(again + ".duplicate.json");
        await().atMost(WAIT).until(() -> Files.exists(sidecar));
        assertThat(SHARE.folder("duplicate").resolve(again)).hasBinaryContent(pdf);
        JsonNode duplicate = JSON.readTree(sidecar.toFile());
        assertThat(duplicate.get("reason").asText()).isEqualTo("duplicate");
        assertThat(duplicate.get("documentId").asText()).isEqualTo(id);
        assertThat(duplicate.get("first").get("fileName").asText()).isEqualTo(first);
        assertThat(duplicate.get("first").get("watchedFolder").asText()).isEqualTo("inbox");
        assertThat(duplicate.get("detail").asText()).contains(first);
        assertThat(records(SHARE.receivedTopic(), id)).hasSize(1);
    }

    @Test
    void copiesDroppedTogetherAreOneDocumentAndTheRestDuplicates() throws Exception {
        byte[] pdf = uniquePdf("Dropped three times at once");
        String id = sha256(pdf);
        List<String> names = List.of(TestShare.uniqueName("together-1"), TestShare.uniqueName("together-2"),
                TestShare.uniqueName("together-3"));

        names.forEach(name -> SHARE.drop("inbox", name, pdf));

        // several files are judged at once: the ledger's id decides which copy is the document
        await().atMost(WAIT).until(() -> names.stream()
                .filter(name -> Files.exists(SHARE.folder("duplicate").resolve(name + ".duplicate.json"))).count() == 2);
        assertThat(records(SHARE.receivedTopic(), id)).hasSize(1);
        String first = JSON.readTree(records(SHARE.receivedTopic(), id).get(0).value()).get("fileName").asText();
        assertThat(names).contains(first);
        assertThat(SHARE.folder("duplicate").resolve(first)).doesNotExist();
        assertThat(SHARE.folder("processing").resolve(id + ".pdf")).hasBinaryContent(pdf);
        names.forEach(name -> assertThat(SHARE.folder("inbox").resolve(name)).doesNotExist());
    }

    @Test
    void aCopyOfADocumentOlderThanAThousandOthersIsStillRecognisedAfterARestart() throws Exception {
        String topic = settings.topics().ledger();
        String oldest = sha256(uniquePdf("The oldest document"));
        // the ledger's history as its repository writes it (key: document id, value: add), all on one partition
        // so that it is read back in this order: the oldest id first, then more ids than Camel's default cache
        try (KafkaProducer<String, String> producer = clients.producer("intake-test-ledger-history")) {
            producer.send(new ProducerRecord<>(topic, 0, oldest, "add")).get();
            for (int i = 0; i < 1500; i++) {
                producer.send(new ProducerRecord<>(topic, 0, sha256(("later document " + i + " " + UUID.randomUUID()).getBytes()), "add"));
            }
            producer.flush();
        }

        // a restart: a new repository reads the topic from its start (only then: it is not used afterwards)
        IntakeLedger restarted = new IntakeLedger(clients, settings, camel);
        restarted.setStartupOnly(true);
        try {
            restarted.start();
            assertThat(restarted.contains(oldest)).isTrue();
            assertThat(restarted.add(oldest)).isFalse();
        } finally {
            restarted.stop();
        }
        // what the setting prevents: with Camel's default of 1000 ids, the oldest is forgotten
        KafkaIdempotentRepository defaults = new KafkaIdempotentRepository(topic, TestKafka.bootstrapServers());
        defaults.setCamelContext(camel);
        defaults.setStartupOnly(true);
        try {
            defaults.start();
            assertThat(defaults.contains(oldest)).isFalse();
        } finally {
            defaults.stop();
        }
    }

    @Test
    void idsTheOldDocumentLedgerWroteAreKnownAfterTheUpgrade() throws Exception {
        // a ledger topic of its own: Camel's repository alone fails on a tombstone, and the other tests read theirs
        String topic = settings.topics().ledger() + ".before-upgrade";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        String kept = sha256(uniquePdf("Taken in by a release before the upgrade"));
        String removed = sha256(uniquePdf("Recorded, then removed, before the upgrade"));
        String added = sha256(uniquePdf("Taken in after the upgrade"));
        // the old DocumentLedger's records: key the document id, value its first file as JSON, a tombstone removes
        try (KafkaProducer<String, String> producer = clients.producer("intake-test-old-ledger")) {
            producer.send(new ProducerRecord<>(topic, 0, kept, "{\"documentId\":\"" + kept + "\",\"fileName\":\"sds.pdf\","
                    + "\"watchedFolder\":\"inbox\",\"receivedAt\":\"2025-11-03T08:00:00Z\"}")).get();
            producer.send(new ProducerRecord<>(topic, 0, removed, "{\"documentId\":\"" + removed + "\",\"fileName\":\"x.pdf\","
                    + "\"watchedFolder\":\"inbox\",\"receivedAt\":\"2025-11-03T08:00:01Z\"}")).get();
            producer.send(new ProducerRecord<String, String>(topic, 0, removed, null)).get();
            // then the new repository's own values, beside the old ones on the same topic
            producer.send(new ProducerRecord<>(topic, 0, added, "add")).get();
        }

        IntakeLedger restarted = new IntakeLedger(clients, settings, camel);
        restarted.setTopic(topic);
        restarted.setStartupOnly(true);
        try {
            restarted.start();
            assertThat(restarted.contains(kept)).isTrue();
            assertThat(restarted.add(kept)).isFalse();
            assertThat(restarted.contains(added)).isTrue();
            assertThat(restarted.contains(removed)).isFalse();
        } finally {
            restarted.stop();
        }
        // what LegacyLedgerValues adds: Camel's repository alone fails to start on the old tombstone
        KafkaIdempotentRepository plain = new KafkaIdempotentRepository(topic, TestKafka.bootstrapServers());
        plain.setCamelContext(camel);
        plain.setStartupOnly(true);
        try {
            assertThatThrownBy(plain::start).isInstanceOf(NullPointerException.class);
        } finally {
            plain.stop();
        }
    }

    @Test
    void fileWrittenSlowlyInPiecesIsTakenOnlyWhenComplete() throws Exception {
        byte[] pdf = uniquePdf("Written slowly over a slow share");
        String id = sha256(pdf);
        String name = TestShare.uniqueName("slow");
        Path target = SHARE.folder("inbox").resolve(name);
        int pieces = 8;
        int pieceSize = (pdf.length + pieces - 1) / pieces;
        CompletableFuture<Void> written = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (OutputStream out = Files.newOutputStream(target)) {
            // a piece every 300 ms: shorter than the settle time, so the file keeps looking in progress
            writer.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                try {
                    int from = i * pieceSize;
                    out.write(pdf, from, Math.min(pieceSize, pdf.length - from));
                    out.flush();
                    if (i == pieces - 1) {
                        written.complete(null);
                        throw new IllegalStateException("done");
                    }
                } catch (IOException e) {
                    written.completeExceptionally(e);
                    throw new IllegalStateException(e);
                }
            }, 0, 300, TimeUnit.MILLISECONDS);
            written.get(30, TimeUnit.SECONDS);
        } finally {
            writer.shutdownNow();
        }

        await().atMost(WAIT).until(() -> records(SHARE.receivedTopic(), id).size() == 1);
        assertThat(JSON.readTree(records(SHARE.receivedTopic(), id).get(0).value()).get("size").asLong())
                .isEqualTo(pdf.length);
        assertThat(SHARE.folder("error").resolve(name)).doesNotExist();
        assertThat(SHARE.folder("processing").resolve(id + ".pdf")).hasBinaryContent(pdf);
    }

    @Test
    void hiddenAndTemporaryFilesAreLeftAlone() throws Exception {
        byte[] pdf = uniquePdf("Still being copied");
        String stem = UUID.randomUUID().toString().substring(0, 8);
        String[] names = {"." + stem + ".pdf", "~$" + stem + ".pdf", stem + ".pdf.part", stem + ".tmp"};
        for (String name : names) {
            SHARE.drop("inbox", name, pdf);
        }
        byte[] marker = uniquePdf("Dropped after the temporary files");
        SHARE.drop("inbox", TestShare.uniqueName("after-temp"), marker);

        await().atMost(WAIT).until(() -> records(SHARE.receivedTopic(), sha256(marker)).size() == 1);
        for (String name : names) {
            assertThat(SHARE.folder("inbox").resolve(name)).exists();
        }
        assertThat(records(SHARE.receivedTopic(), sha256(pdf))).isEmpty();
    }

    private static byte[] withBytesBefore(byte[] pdf) {
        byte[] junk = "Content-Type: application/pdf\r\n\r\n".getBytes();
        byte[] both = Arrays.copyOf(junk, junk.length + pdf.length);
        System.arraycopy(pdf, 0, both, junk.length, pdf.length);
        return both;
    }

    private static byte[] uniquePdf(String text) {
        return TestPdfs.withText(text, "Test copy " + UUID.randomUUID());
    }
}
