package io.hsepipeline.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.testing.TestKafka;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/**
 * Two application processes on one share, one broker and one sandbox, each a JVM of its own: every PDF is
 * handled exactly once at every service, the Kafka stages' work is shared, and when the leader is SIGKILLed
 * the other instance takes over intake and the HSE Genius batch.
 */
class TwoInstancesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DOCUMENTS = 200;
    private static final int AFTER_KILL = 5;
    private static final Duration START = Duration.ofMinutes(2);
    private static final Duration ALL_DONE = Duration.ofMinutes(3);
    /** Bounds of the take-over: lock handed on, new files taken; then a whole document's way to DONE. */
    private static final Duration KILL_TO_RECEIVED = Duration.ofSeconds(30);
    private static final Duration KILL_TO_DONE = Duration.ofSeconds(90);
    private static final Pattern FOURHSE_DELIVERED = Pattern.compile("\\) is 4HSE certificate ");
    private static final Pattern QEHS_DELIVERED = Pattern.compile("\\) delivered to QEHS module ");
    /** What an instance logs when it wins the election (io.hsepipeline.leader.Leadership). */
    private static final Pattern BECAME_LEADER = Pattern.compile("This replica is now the leader");

    private static ProcessGroup processes;
    private static KafkaBrokerProcess kafka;
    private static SandboxProcess sandbox;
    private static final List<PipelineProcess> instances = new ArrayList<>();
    private static TestShare share;
    private static boolean passed;

    @RegisterExtension
    static final TestWatcher KEEP_LOGS_UNLESS_PASSED = new TestWatcher() {
        @Override
        public void testSuccessful(ExtensionContext context) {
            passed = true;
        }
    };

    @BeforeAll
    static void startProcesses() {
        // no Spring here to set log levels: Logback's default would print every Kafka client and PDFBox detail
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.WARN);
        ((Logger) LoggerFactory.getLogger("org.apache.pdfbox")).setLevel(Level.ERROR);
        processes = ProcessGroup.create("two-instances");
        share = TestShare.temporary("two-instances-share");
        kafka = processes.startBroker();
        sandbox = processes.startSandbox(Map.of(
                "SANDBOX_PROCESSING_DELAY_MS", "200",
                // 200 records in a minute or two: QEHS's documented 300 a minute would only add waiting
                "SANDBOX_QEHS_RATE_LIMIT", "5000"));
        Duration kafkaStart = kafka.awaitReady(START);
        Map<String, String> settings = new HashMap<>(sandbox.applicationSettings());
        settings.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        settings.put("HSE_SHARE_DIR", share.root().toString());
        settings.put("HSEGENIUS_VALIDATE_CRON", "0/3 * * * * ?");
        settings.put("HSE_INTAKE_SETTLE_MILLIS", "500");
        settings.put("HSE_INTAKE_POLL_MILLIS", "250");
        settings.put("HSE_EXTRACT_POLL_TICK_MILLIS", "250");
        settings.put("HSE_EXTRACT_POLL_FIRST_MILLIS", "500");
        settings.put("HSE_EXTRACT_POLL_MAX_MILLIS", "2000");
        // one consumer per instance in each Kafka stage, so a group's two members are the two processes
        settings.put("HSE_EXTRACT_CONSUMERS", "1");
        settings.put("FOURHSE_CONCURRENCY", "1");
        settings.put("QEHS_CONCURRENCY", "1");
        instances.add(processes.startPipeline("pipeline-1", settings));
        instances.add(processes.startPipeline("pipeline-2", settings));
        Duration sandboxStart = sandbox.awaitReady(START);
        List<Duration> starts = instances.stream().map(instance -> instance.awaitReady(START)).toList();
        System.out.printf("Start-up: kafka %d ms, sandbox %d ms, pipeline-1 %d ms, pipeline-2 %d ms (both at once)%n",
                kafkaStart.toMillis(), sandboxStart.toMillis(), starts.get(0).toMillis(), starts.get(1).toMillis());
    }

    @AfterAll
    static void stopProcesses() {
        processes.close();
        if (passed) {
            processes.deleteLogs();
        } else {
            System.out.println("Logs kept in " + processes.directory());
        }
    }

    @Test
    void twoInstancesHandleEveryPdfOnceShareTheKafkaStagesAndTheSurvivorTakesOverFromAKilledLeader() {
        Instant dropped = Instant.now();
        Map<String, String> names = dropDocuments("batch", DOCUMENTS);
        await("all " + DOCUMENTS + " documents DONE").atMost(ALL_DONE).pollInterval(Duration.ofSeconds(2))
                .until(() -> new Progress(documentsIn("done"), stateTimes("DONE", names.keySet()).size()),
                        progress -> progress.inDone() == DOCUMENTS && progress.doneStates() == DOCUMENTS);
        System.out.printf("%d PDFs dropped to all DONE in %d s%n", DOCUMENTS,
                Duration.between(dropped, Instant.now()).toSeconds());

        eachDocumentReachedEveryServiceOnce(names);
        bothInstancesWorkedInEveryKafkaStage();

        PipelineProcess leader = leader();
        PipelineProcess survivor = instances.stream().filter(i -> i != leader).findFirst().orElseThrow();
        leader.kill();
        Instant killed = Instant.now();
        Map<String, String> late = dropDocuments("after-kill", AFTER_KILL);
        await("documents dropped after the kill RECEIVED").atMost(KILL_TO_RECEIVED.plusSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(() -> stateTimes("RECEIVED", late.keySet()).size() == AFTER_KILL);
        await("documents dropped after the kill DONE").atMost(KILL_TO_DONE.plusSeconds(30))
                .pollInterval(Duration.ofSeconds(1)).until(() -> stateTimes("DONE", late.keySet()).size() == AFTER_KILL);
        Duration toReceived = latestAfter(killed, stateTimes("RECEIVED", late.keySet()).values());
        Duration toDone = latestAfter(killed, stateTimes("DONE", late.keySet()).values());
        System.out.printf("Leader %s SIGKILLed; %s took over: kill -> last RECEIVED %d ms, kill -> last DONE %d ms%n",
                leader.name(), survivor.name(), toReceived.toMillis(), toDone.toMillis());
        assertThat(toReceived).isLessThan(KILL_TO_RECEIVED);
        assertThat(toDone).isLessThan(KILL_TO_DONE);
        assertThat(survivor.countLogLines(BECAME_LEADER)).as("the survivor says it became leader").isPositive();
        Map<String, String> all = new LinkedHashMap<>(names);
        all.putAll(late);
        eachDocumentReachedEveryServiceOnce(all);
    }

    /** At the sandbox, per document: one Hypatos file and document, one upload; per record one of the rest. */
    private static void eachDocumentReachedEveryServiceOnce(Map<String, String> names) {
        List<JsonNode> validated = TestKafka.recordsAt(kafka.bootstrapServers(), "hse.records.validated").stream()
                .map(TwoInstancesTest::json).toList();
        Map<String, Long> recordsPerDocument = validated.stream()
                .collect(Collectors.groupingBy(r -> r.get("documentId").asText(), Collectors.counting()));
        assertThat(recordsPerDocument.keySet()).containsExactlyInAnyOrderElementsOf(names.keySet());
        Set<String> recordIds = validated.stream().map(r -> r.get("recordId").asText()).collect(Collectors.toSet());
        assertThat(recordIds).as("one record per validated record on hse.records.validated").hasSize(validated.size());
        assertThat(documentsIn("done")).isEqualTo(names.size());
        names.values().forEach(name -> assertThat(share.folder("done").resolve(name)).exists());

        Set<String> ids = names.keySet();
        JsonNode hypatos = sandbox.entities("hypatos");
        assertOncePer(hypatos.path("files"), f -> f.path("filename").asText(), names.values(), "Hypatos file");
        assertOncePer(hypatos.path("documents"), d -> d.path("externalId").asText(), ids, "Hypatos document");
        assertOncePer(sandbox.entities("hsegenius").path("uploads"), u -> u.path("filename").asText(),
                ids.stream().map(id -> id + ".pdf").toList(), "HSE Genius upload");
        JsonNode fourhse = sandbox.entities("fourhse");
        assertThat(fourhse.path("certificates")).as("one 4HSE certificate per record").hasSize(validated.size());
        assertThat(countBy(fourhse.path("certificates"), c -> c.path("certificate_id").asText())).hasSize(validated.size());
        assertThat(fourhse.path("certificateActions")).as("one action link per record").hasSize(validated.size());
        assertThat(fourhse.path("entityAttachments")).as("one attachment per record").hasSize(validated.size());
        assertOncePer(sandbox.entities("qehs").path("records"), r -> r.at("/payload/source_record_id").asText(),
                recordIds, "QEHS record");
    }

    /** The entities' keys are exactly the expected ones, each once. */
    private static void assertOncePer(JsonNode entities, Function<JsonNode, String> key, Collection<String> expected,
                                      String what) {
        Map<String, Long> counts = countBy(entities, key);
        assertThat(counts.keySet()).as(what + " keys").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(counts.entrySet()).as(what + " more than once").filteredOn(e -> e.getValue() != 1).isEmpty();
    }

    /** Both processes are members of each Kafka stage's group with partitions, and both delivered records. */
    private static void bothInstancesWorkedInEveryKafkaStage() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(
                    List.of("hse-extract", "hse-fourhse", "hse-qehs")).all().get();
            groups.forEach((group, description) -> {
                // one consumer per instance in these stages, so two members are the two processes
                assertThat(description.members()).as(group + " members").hasSize(2);
                for (MemberDescription member : description.members()) {
                    assertThat(member.assignment().topicPartitions()).as(group + " " + member.consumerId()).isNotEmpty();
                }
                System.out.printf("%s: %s%n", group, description.members().stream()
                        .map(m -> m.assignment().topicPartitions().toString()).toList());
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (PipelineProcess instance : instances) {
            long fourhse = instance.countLogLines(FOURHSE_DELIVERED);
            long qehs = instance.countLogLines(QEHS_DELIVERED);
            System.out.printf("%s delivered %d records to 4HSE and %d to QEHS%n", instance.name(), fourhse, qehs);
            assertThat(fourhse).as(instance.name() + " 4HSE deliveries").isPositive();
            assertThat(qehs).as(instance.name() + " QEHS deliveries").isPositive();
        }
    }

    private static PipelineProcess leader() {
        List<PipelineProcess> leaders = instances.stream().filter(i -> i.countLogLines(BECAME_LEADER) > 0).toList();
        assertThat(leaders).as("exactly one instance says it became leader").hasSize(1);
        return leaders.get(0);
    }

    /** How far the batch got, as a timeout reports it. */
    private record Progress(long inDone, int doneStates) {
    }

    /** Distinct PDFs written beside the share and moved into the inbox; document id to file name. */
    private static Map<String, String> dropDocuments(String stem, int count) {
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            byte[] pdf = TestPdfs.withText("Safety data sheet", "Product name: Solvent " + stem + " " + i,
                    "Waste code 15 01 10*", "Copy " + i + " " + Instant.now());
            String name = TestShare.uniqueName(stem + "-" + i);
            names.put(TestPdfs.sha256(pdf), name);
            share.drop("inbox", name, pdf);
        }
        return names;
    }

    /** When each of the documents reached the state, from its status record's timestamp. */
    private static Map<String, Instant> stateTimes(String state, Collection<String> documentIds) {
        Map<String, Instant> times = new HashMap<>();
        for (ConsumerRecord<String, String> status : TestKafka.recordsAt(kafka.bootstrapServers(), "hse.documents.status")) {
            if (documentIds.contains(status.key()) && state.equals(json(status).path("state").asText())) {
                times.putIfAbsent(status.key(), Instant.ofEpochMilli(status.timestamp()));
            }
        }
        return times;
    }

    private static Duration latestAfter(Instant start, Collection<Instant> times) {
        return Duration.between(start, times.stream().max(Instant::compareTo).orElseThrow());
    }

    private static long documentsIn(String folder) {
        try (Stream<Path> files = Files.list(share.folder(folder))) {
            return files.filter(f -> f.toString().endsWith(".pdf")).count();
        } catch (IOException e) {
            if (!Files.exists(share.folder(folder))) {
                return 0;
            }
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Long> countBy(JsonNode array, Function<JsonNode, String> key) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
    }

    private static JsonNode json(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
