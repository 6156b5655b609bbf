package io.hsepipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.hsepipeline.processes.KafkaBrokerProcess;
import io.hsepipeline.processes.PipelineProcess;
import io.hsepipeline.processes.ProcessGroup;
import io.hsepipeline.processes.SandboxProcess;
import io.hsepipeline.sandbox.SandboxSettings;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/**
 * make bench: the broker, the sandbox and the application as processes of their own, scenario by scenario
 * (BENCH=throughput,baseline,scale,intake,memory,startup; sizes from BENCH_* variables). Prints a table and
 * writes each scenario's figures to target/bench/&lt;scenario&gt;.json.
 */
public final class Bench {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration START = Duration.ofMinutes(3);
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final Pattern ID = Pattern.compile("/[0-9a-fA-F-]{8,}|/\\d+(?=/|$)");
    private static final List<String> ALL = List.of("throughput", "baseline", "scale", "intake", "memory", "startup");
    private static final List<String> CONCURRENCY_SETTINGS = List.of("HSE_EXTRACT_CONSUMERS", "HSEGENIUS_CONCURRENCY",
            "FOURHSE_CONCURRENCY", "QEHS_CONCURRENCY", "HSEGENIUS_VALIDATE_CONCURRENCY", "HSE_EXTRACT_POLL_CONCURRENCY");

    private final Path out;
    private final List<String> table = new ArrayList<>();
    private final Map<String, Object> summary = new LinkedHashMap<>();

    private Bench(Path out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        quietLogging();
        Instant begin = Instant.now();
        Path out = Files.createDirectories(Path.of("target/bench"));
        List<String> scenarios = List.of(env("BENCH", String.join(",", ALL)).split(","));
        Bench bench = new Bench(out);
        System.out.printf("make bench: %s on %d cores, load %s%n", scenarios,
                Runtime.getRuntime().availableProcessors(), load());
        SharedClassArchive launch = "0".equals(env("BENCH_CDS", "1"))
                ? SharedClassArchive.none("BENCH_CDS=0: the application runs from the test class path, without a class data archive")
                : SharedClassArchive.prepare(out.resolve("app"));
        launch.applyToAllPipelines();
        System.out.println("application: " + launch.note());
        bench.summary.put("application", launch.note());
        Map<String, Object> seconds = new LinkedHashMap<>();
        seconds.put("prepare", Duration.between(begin, Instant.now()).toSeconds());
        Map<String, Object> throughput = null;
        for (String scenario : scenarios) {
            Instant scenarioStart = Instant.now();
            switch (scenario.trim()) {
                case "throughput" -> throughput = bench.throughput("throughput", intEnv("BENCH_DOCS", 500), false);
                case "baseline" -> bench.baseline(throughput);
                case "scale" -> bench.scale(throughput);
                case "intake" -> bench.intake();
                case "memory" -> bench.memory();
                case "startup" -> bench.startup();
                default -> throw new IllegalArgumentException("unknown scenario '" + scenario + "', known: " + ALL);
            }
            seconds.put(scenario.trim(), Duration.between(scenarioStart, Instant.now()).toSeconds());
        }
        bench.summary.put("scenarioSeconds", seconds);
        bench.summary.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "loadAfter", load(),
                "totalSeconds", Duration.between(begin, Instant.now()).toSeconds()));
        JSON.writeValue(out.resolve("summary.json").toFile(), bench.summary);
        System.out.println();
        System.out.println("=== make bench (" + Duration.between(begin, Instant.now()).toSeconds() + " s, load now "
                + load() + ") ===");
        bench.table.forEach(System.out::println);
        System.out.println("seconds per scenario: " + seconds);
        System.out.println("JSON in " + out.toAbsolutePath());
        System.exit(0);
    }

    // ---------------------------------------------------------------- scenarios

    /**
     * End-to-end at the services' limits: N PDFs dropped at once, latency 100 ms +- 20 ms on every call, 2 s
     * processing, Hypatos 20 requests/s, QEHS 300/min. The bound is the smallest limit divided by the calls a
     * document made to that service (429s left out).
     */
    private Map<String, Object> throughput(String name, int docs, boolean naive) throws IOException {
        Map<String, String> sandbox = limitsAsIssued();
        Map<String, String> app = new HashMap<>(Map.of("HSEGENIUS_VALIDATE_CRON", env("BENCH_VALIDATE_CRON", "* * * * * ?")));
        // the budgets the pipeline keeps, set from the services' limits as an operator sets them from the contracts
        for (String service : List.of("HYPATOS", "QEHS")) {
            app.put(service + "_RATE_LIMIT", sandbox.get("SANDBOX_" + service + "_RATE_LIMIT"));
            app.put(service + "_RATE_WINDOW_SECONDS", sandbox.get("SANDBOX_" + service + "_RATE_WINDOW_SECONDS"));
        }
        if (naive) {
            CONCURRENCY_SETTINGS.forEach(setting -> app.put(setting, "1"));
        }
        Map<String, Object> result = endToEnd(name, docs, sandbox, app, Duration.ofSeconds(intEnv("BENCH_MAX_WAIT_SECONDS", 600)));
        JsonNode stats = (JsonNode) result.remove("stats");
        double perSecond = (double) result.get("documentsPerSecond");
        long done = (long) result.get("done");
        Map<String, Object> bound = new LinkedHashMap<>();
        double smallest = Double.MAX_VALUE;
        String by = "";
        for (String service : List.of(SandboxSettings.HYPATOS, SandboxSettings.QEHS)) {
            double limit = Double.parseDouble(sandbox.get("SANDBOX_" + service.toUpperCase() + "_RATE_LIMIT"))
                    / Double.parseDouble(sandbox.get("SANDBOX_" + service.toUpperCase() + "_RATE_WINDOW_SECONDS"));
            long answered = stats.path(service).path("requests").asLong() - stats.path(service).path("rateLimited").asLong();
            double callsPerDoc = done == 0 ? 0 : (double) answered / done;
            double serviceBound = callsPerDoc == 0 ? Double.MAX_VALUE : limit / callsPerDoc;
            bound.put(service, Map.of("limitPerSecond", limit, "callsPerDocument", round(callsPerDoc),
                    "documentsPerSecond", round(serviceBound)));
            if (serviceBound < smallest) {
                smallest = serviceBound;
                by = service;
            }
        }
        result.put("bound", bound);
        result.put("boundDocumentsPerSecond", round(smallest));
        result.put("boundBy", by);
        result.put("ratio", round(perSecond / smallest));
        double steady = (double) result.getOrDefault("steadyDocumentsPerSecond", 0.0);
        result.put("steadyRatio", round(steady / smallest));
        write(name, result);
        table.add(String.format("%-22s %5d docs  end-to-end %6.2f docs/s  bound %5.2f (%s)  ratio %4.2f  429s %d (%.2f %%)  p50 %5.1f s  p95 %5.1f s  failed %d  calls/doc %s  ready %.1f s",
                name, docs, perSecond, smallest, by, perSecond / smallest, result.get("rateLimited"),
                result.get("rateLimitedPercent"), result.get("p50Seconds"), result.get("p95Seconds"), result.get("failed"),
                result.get("callsPerDocument"), result.get("readySeconds")));
        table.add(String.format("%-22s %5s       steady %6.2f docs/s (first to last DONE)  steady ratio %4.2f  fill %.1f s (drop to first DONE)  drain %.1f s (last EXTRACTING to last DONE)  Hypatos budget unused %s s  application CPU %.2f cores",
                "", "", steady, steady / smallest, result.getOrDefault("fillSeconds", 0.0), result.getOrDefault("drainSeconds", 0.0),
                ((Map<?, ?>) result.getOrDefault("hypatosUse", Map.of())).get("unusedBudgetSeconds"),
                (double) result.getOrDefault("pipelineCpuSeconds", 0.0) / Math.max(0.001, (double) result.get("seconds"))));
        table.add(String.format("%-22s first document %s%n%-22s last document  %s", "", result.get("firstDocumentTimeline"),
                "", result.get("lastDocumentTimeline")));
        return result;
    }

    /** The same run with every concurrency at 1 (fewer documents: it is slow), and the speed-up. */
    private void baseline(Map<String, Object> throughput) throws IOException {
        Map<String, Object> naive = throughput("baseline", intEnv("BENCH_BASELINE_DOCS", 80), true);
        if (throughput != null) {
            double speedUp = (double) throughput.get("documentsPerSecond") / (double) naive.get("documentsPerSecond");
            summary.put("speedUp", round(speedUp));
            table.add(String.format("%-22s %.1fx the naive baseline", "speed-up", speedUp));
        }
    }

    /** Calls per document as the backlog grows: the throughput run at each size of BENCH_SCALE. */
    private void scale(Map<String, Object> throughput) throws IOException {
        Map<String, Object> points = new LinkedHashMap<>();
        // 2,000 documents take 7 minutes at the bound alone: past the 15 minutes a whole make bench may take, so
        // that point is asked for by BENCH_SCALE=100,500,2000 (README, Performance)
        for (String size : env("BENCH_SCALE", "100,500").split(",")) {
            int docs = Integer.parseInt(size.trim());
            Map<String, Object> run = throughput != null && docs == (int) throughput.get("documents") ? throughput
                    : throughput("scale-" + docs, docs, false);
            points.put(String.valueOf(docs), Map.of("callsPerDocument", run.get("callsPerDocument"),
                    "callsPerDocumentByService", run.get("callsPerDocumentByService"),
                    "documentsPerSecond", run.get("documentsPerSecond")));
        }
        write("scale", points);
        points.forEach((docs, point) -> table.add(String.format("%-22s %5s docs  calls/doc %s  by service %s",
                "scale", docs, ((Map<?, ?>) point).get("callsPerDocument"), ((Map<?, ?>) point).get("callsPerDocumentByService"))));
    }

    /**
     * Intake alone (no service configured, so nothing after it runs): N small PDFs dropped at once, files/s from
     * the first to the last hse.documents.received record; then a plain producer sends the same records.
     */
    private void intake() throws Exception {
        int files = intEnv("BENCH_INTAKE_FILES", 2000);
        ProcessGroup processes = ProcessGroup.create("bench-intake");
        try {
            TestShare share = new TestShare(Files.createDirectories(processes.directory().resolve("share")));
            KafkaBrokerProcess kafka = processes.startBroker();
            kafka.awaitReady(START);
            Map<String, String> app = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "HSE_SHARE_DIR", share.root().toString(), "HSE_PREFLIGHT_AT_START", "false"));
            // unset: the application's default (HSE_INTAKE_CONCURRENCY)
            String concurrency = env("BENCH_INTAKE_CONCURRENCY", "");
            if (!concurrency.isBlank()) {
                app.put("HSE_INTAKE_CONCURRENCY", concurrency);
            }
            app.putAll(routesSnapshot(share.root().resolveSibling("routes")));
            // BENCH_JFR=<file>: a JFR profile (settings=profile) of the application, dumped once intake is done
            String jfr = env("BENCH_JFR", "");
            PipelineProcess pipeline = processes.startPipeline("pipeline", app,
                    jfr.isBlank() ? List.of() : List.of("-XX:StartFlightRecording=name=bench,settings=profile"));
            double ready = pipeline.awaitReady(START).toMillis() / 1000.0;
            List<byte[]> pdfs = new ArrayList<>();
            for (int i = 0; i < files; i++) {
                pdfs.add(TestPdfs.withText("Safety data sheet", "Product name: Intake " + i + " " + System.nanoTime()));
            }
            try (TopicWatch received = new TopicWatch(kafka.bootstrapServers(), "hse.documents.received", true);
                 TopicWatch status = new TopicWatch(kafka.bootstrapServers(), "hse.documents.status", true)) {
                // dropped at once: every file written beside the share first, then all moved in (renames, about
                // 0.1 s), so intake's work is not shared with the bench writing files (2 s for 2,000)
                Path staging = Files.createDirectories(share.root().resolveSibling("intake-staging"));
                List<Path> written = new ArrayList<>();
                for (int i = 0; i < files; i++) {
                    written.add(Files.write(staging.resolve(String.format("intake-%05d.pdf", i)), pdfs.get(i)));
                }
                Path inbox = Files.createDirectories(share.folder("inbox"));
                Instant dropStart = Instant.now();
                for (Path file : written) {
                    Files.move(file, inbox.resolve(file.getFileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
                Instant dropped = Instant.now();
                Instant deadline = dropped.plusSeconds(intEnv("BENCH_MAX_WAIT_SECONDS", 600));
                while (received.records() < files && Instant.now().isBefore(deadline)) {
                    pause(200);
                }
                Instant end = Instant.now();
                String load = load();
                if (!jfr.isBlank()) {
                    new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                            String.valueOf(pipeline.pid()), "JFR.dump", "name=bench", "filename=" + Path.of(jfr).toAbsolutePath())
                            .inheritIO().start().waitFor();
                }
                List<Long> stamps = received.timestamps();
                long first = stamps.stream().mapToLong(Long::longValue).min().orElse(0);
                long last = stamps.stream().mapToLong(Long::longValue).max().orElse(0);
                double rate = stamps.size() <= 1 ? 0 : (stamps.size() - 1) * 1000.0 / Math.max(1, last - first);
                double dropToLast = (last - dropped.toEpochMilli()) / 1000.0;
                // the application is idle now: the producers below have the machine as intake had it (shared)
                Map<String, Double> producer = plainProducer(kafka.bootstrapServers(), received.values());
                int threads = concurrency.isBlank() ? 8 : Integer.parseInt(concurrency);
                producer.putAll(sameRecordsProducer(kafka.bootstrapServers(), received.kept(), status.kept(), threads));
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("files", files);
                result.put("received", stamps.size());
                result.put("dropSeconds", Duration.between(dropStart, dropped).toMillis() / 1000.0);
                result.put("firstToLastSeconds", (last - first) / 1000.0);
                result.put("dropToLastSeconds", dropToLast);
                result.put("filesPerSecond", round(rate));
                result.put("settleMillis", "application default (HSE_INTAKE_SETTLE_MILLIS)");
                result.put("concurrency", concurrency.isBlank() ? "default" : concurrency);
                result.put("loadAtEnd", load);
                result.putAll(producer);
                result.put("ratioToSameRecords", round(rate / producer.get("sameRecordsFilesPerSecond")));
                result.put("ratioToProducerWaitingEachAck", round(rate / producer.get("producerWaitingEachAckPerSecond")));
                result.put("ratioToProducerBatched", round(rate / producer.get("producerBatchedPerSecond")));
                result.put("readySeconds", ready);
                result.put("waitedSeconds", Duration.between(dropped, end).toSeconds());
                write("intake", result);
                table.add(String.format("%-22s %5d files  %6.1f files/s (first to last record; drop to last %.1f s)  same records by a plain producer (%d threads, each ack awaited) %.0f files/s (ratio %.2f); received records alone %.0f/s waiting each ack (ratio %.2f), %.0f/s batched (ratio %.3f)",
                        "intake", files, rate, dropToLast, threads, producer.get("sameRecordsFilesPerSecond"),
                        result.get("ratioToSameRecords"), producer.get("producerWaitingEachAckPerSecond"),
                        result.get("ratioToProducerWaitingEachAck"), producer.get("producerBatchedPerSecond"),
                        result.get("ratioToProducerBatched")));
            }
        } finally {
            processes.close();
            processes.deleteLogs();
        }
    }

    /**
     * What intake sends for each file, by a plain producer: the ledger's {@code add}, the RECEIVED status and the
     * received record (the same values, keys and CloudEvents headers as the application's, read back from its
     * topics), to topics of their own with the application's settings (3 partitions, acks=all, idempotent). Each
     * send waits for its ack before the next, as intake must (it keys each in the journal once Kafka has it), and
     * as many files go at once as intake works on. Files/s: the ceiling intake's Kafka part allows here.
     */
    private static Map<String, Double> sameRecordsProducer(String bootstrap, List<ConsumerRecord<String, String>> received,
                                                           List<ConsumerRecord<String, String>> statuses, int threads)
            throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic("bench.same.ledger", 3, (short) 1),
                    new NewTopic("bench.same.status", 3, (short) 1), new NewTopic("bench.same.received", 3, (short) 1)))
                    .all().get();
        }
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        Map<String, ConsumerRecord<String, String>> statusOf = new HashMap<>();
        statuses.stream().filter(r -> r.value() != null && r.value().contains("\"RECEIVED\""))
                .forEach(r -> statusOf.putIfAbsent(r.key(), r));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        // the application's ledger and its records have producers of their own; one each here too
        try (KafkaProducer<String, String> ledger = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
             KafkaProducer<String, String> records = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            ledger.send(new ProducerRecord<>("bench.same.ledger", "warm-up", "add")).get();
            records.send(new ProducerRecord<>("bench.same.received", "warm-up", "{}")).get();
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (ConsumerRecord<String, String> record : received) {
                ConsumerRecord<String, String> status = statusOf.get(record.key());
                done.add(pool.submit(() -> {
                    ledger.send(new ProducerRecord<>("bench.same.ledger", record.key(), "add")).get();
                    if (status != null) {
                        records.send(new ProducerRecord<>("bench.same.status", null, status.key(), status.value(),
                                status.headers())).get();
                    }
                    records.send(new ProducerRecord<>("bench.same.received", null, record.key(), record.value(),
                            record.headers())).get();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return Map.of("sameRecordsFilesPerSecond", round(received.size() / seconds),
                    "sameRecordsThreads", (double) threads);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The same records to a topic of its own (3 partitions, acks=all, idempotent: as the application's). */
    private static Map<String, Double> plainProducer(String bootstrap, List<String> values) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic("bench.plain.each", 3, (short) 1),
                    new NewTopic("bench.plain.batched", 3, (short) 1))).all().get();
        }
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        Map<String, Double> result = new LinkedHashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("bench.plain.each", "warm-up", "{}")).get();
            long start = System.nanoTime();
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>("bench.plain.each", "doc-" + i, values.get(i))).get();
            }
            result.put("producerWaitingEachAckPerSecond", round(values.size() / ((System.nanoTime() - start) / 1e9)));
            start = System.nanoTime();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                sent.add(producer.send(new ProducerRecord<>("bench.plain.batched", "doc-" + i, values.get(i))));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
            result.put("producerBatchedPerSecond", round(values.size() / ((System.nanoTime() - start) / 1e9)));
        }
        return result;
    }

    /** One big PDF through the whole pipeline with -Xmx256m: peak heap (GC log) and peak RSS (VmHWM). */
    private void memory() throws IOException {
        int megabytes = intEnv("BENCH_MEMORY_MB", 200);
        ProcessGroup processes = ProcessGroup.create("bench-memory");
        Map<String, Object> result = new LinkedHashMap<>();
        boolean passed = false;
        try {
            TestShare share = new TestShare(Files.createDirectories(processes.directory().resolve("share")));
            Path staging = Files.createDirectories(processes.directory().resolve("staging"));
            Path pdf = LargePdf.write(staging.resolve("giant-sds.pdf"), megabytes, System.nanoTime());
            String documentId = sha256(pdf);
            KafkaBrokerProcess kafka = processes.startBroker();
            SandboxProcess sandbox = processes.startSandbox(Map.of("SANDBOX_PROCESSING_DELAY_MS", "2000",
                    "SANDBOX_FOURHSE_MAX_ATTACHMENT_MB", String.valueOf(megabytes + 50)), List.of("-Xmx3g"));
            kafka.awaitReady(START);
            sandbox.awaitReady(START);
            Map<String, String> app = appSettings(kafka, sandbox, share);
            String limit = (megabytes + 50) + "MB";
            List.of("HSE_MAX_FILE_SIZE", "HYPATOS_MAX_FILE_SIZE", "HSEGENIUS_MAX_FILE_SIZE", "FOURHSE_MAX_FILE_SIZE")
                    .forEach(setting -> app.put(setting, limit));
            app.put("HSEGENIUS_VALIDATE_CRON", "0/5 * * * * ?");
            Path gcLog = processes.directory().resolve("pipeline-gc.log");
            PipelineProcess pipeline = processes.startPipeline("pipeline", app,
                    List.of("-Xmx256m", "-Xlog:gc:file=" + gcLog));
            result.put("readySeconds", pipeline.awaitReady(START).toMillis() / 1000.0);
            try (TopicWatch status = new TopicWatch(kafka.bootstrapServers(), "hse.documents.status", false)) {
                Instant dropped = Instant.now();
                Files.move(pdf, Files.createDirectories(share.folder("inbox")).resolve(pdf.getFileName()));
                Instant deadline = dropped.plusSeconds(intEnv("BENCH_MEMORY_MAX_WAIT_SECONDS", 300));
                long peakRss = 0;
                while (pipeline.isAlive() && status.reached(List.of(documentId), "DONE", "FAILED") == 0
                        && Instant.now().isBefore(deadline)) {
                    peakRss = Math.max(peakRss, peakRss(pipeline.pid()));
                    pause(200);
                }
                boolean alive = pipeline.isAlive();
                if (alive) {
                    peakRss = Math.max(peakRss, peakRss(pipeline.pid()));
                }
                String state = status.firstSeen(documentId, "DONE") != null ? "DONE"
                        : status.firstSeen(documentId, "FAILED") != null ? "FAILED" : "unfinished";
                passed = alive && state.equals("DONE");
                result.put("megabytes", megabytes);
                result.put("bytes", Files.size(share.root().resolve(state.equals("DONE") ? "done" : "processing"))
                        >= 0 ? megabytes * 1024L * 1024L : 0);
                result.put("state", state);
                result.put("alive", alive);
                result.put("outOfMemory", pipeline.logText().contains("OutOfMemoryError"));
                result.put("seconds", Duration.between(dropped, Instant.now()).toMillis() / 1000.0);
                result.put("peakHeapMB", peakHeap(gcLog));
                result.put("peakRssMB", peakRss / 1024);
                result.put("passed", passed);
                if (!passed) {
                    result.put("failure", failureOf(share, pipeline));
                }
            }
        } finally {
            processes.close();
            if (passed) {
                processes.deleteLogs();
            } else {
                System.out.println("memory: logs kept in " + processes.directory());
            }
        }
        write("memory", result);
        table.add(String.format("%-22s %d MB PDF, -Xmx256m: %s (%s), peak heap %s MB, peak RSS %s MB, %.0f s%s",
                "memory", megabytes, passed ? "passed" : "FAILED", result.get("state"), result.get("peakHeapMB"),
                result.get("peakRssMB"), result.get("seconds"), passed ? "" : ": " + result.get("failure")));
    }

    /** From the application's process start to readiness UP, broker and sandbox already up; BENCH_STARTS times. */
    private void startup() throws IOException {
        int starts = intEnv("BENCH_STARTS", 3);
        ProcessGroup processes = ProcessGroup.create("bench-startup");
        List<Double> seconds = new ArrayList<>();
        List<Double> cpuSeconds = new ArrayList<>();
        List<String> loads = new ArrayList<>();
        try {
            TestShare share = new TestShare(Files.createDirectories(processes.directory().resolve("share")));
            KafkaBrokerProcess kafka = processes.startBroker();
            SandboxProcess sandbox = processes.startSandbox(Map.of());
            kafka.awaitReady(START);
            sandbox.awaitReady(START);
            PipelineProcess pipeline = processes.startPipeline("pipeline", appSettings(kafka, sandbox, share));
            for (int i = 0; i < starts; i++) {
                if (i > 0) {
                    pipeline.stop(Duration.ofSeconds(30));
                    pipeline.start();
                }
                seconds.add(pipeline.awaitReady(START).toMillis() / 1000.0);
                // CPU time is what a start costs whatever else runs on the machine; the wall time depends on that
                cpuSeconds.add(cpuSeconds(pipeline.pid()));
                loads.add(load().split(" ")[0]);
            }
        } finally {
            processes.close();
            processes.deleteLogs();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("readySeconds", seconds);
        result.put("medianSeconds", median(seconds));
        result.put("maxSeconds", seconds.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        result.put("cpuSecondsAtReady", cpuSeconds);
        result.put("loadAtReady", loads);
        write("startup", result);
        table.add(String.format("%-22s ready (readiness UP) after %s s (median %.1f s), CPU used by then %s s, load %s",
                "startup", seconds, median(seconds), cpuSeconds, loads));
    }

    // ---------------------------------------------------------------- one end-to-end run

    private static Map<String, String> limitsAsIssued() {
        Map<String, String> sandbox = new LinkedHashMap<>();
        sandbox.put("SANDBOX_ALL_LATENCY_MS", env("BENCH_LATENCY_MS", "100"));
        sandbox.put("SANDBOX_ALL_JITTER_MS", env("BENCH_JITTER_MS", "20"));
        sandbox.put("SANDBOX_PROCESSING_DELAY_MS", env("BENCH_PROCESSING_MS", "2000"));
        sandbox.put("SANDBOX_HYPATOS_RATE_LIMIT", env("BENCH_HYPATOS_RATE_LIMIT", "20"));
        sandbox.put("SANDBOX_HYPATOS_RATE_WINDOW_SECONDS", "1");
        sandbox.put("SANDBOX_QEHS_RATE_LIMIT", env("BENCH_QEHS_RATE_LIMIT", "300"));
        sandbox.put("SANDBOX_QEHS_RATE_WINDOW_SECONDS", "60");
        return sandbox;
    }

    private Map<String, Object> endToEnd(String name, int docs, Map<String, String> sandboxSettings,
                                         Map<String, String> appOverrides, Duration maxWait) throws IOException {
        System.out.printf("%s: %d PDFs, sandbox %s, application %s%n", name, docs, sandboxSettings, appOverrides);
        ProcessGroup processes = ProcessGroup.create("bench-" + name);
        Map<String, Object> result = new LinkedHashMap<>();
        boolean complete = false;
        try {
            TestShare share = new TestShare(Files.createDirectories(processes.directory().resolve("share")));
            KafkaBrokerProcess kafka = processes.startBroker();
            SandboxProcess sandbox = processes.startSandbox(sandboxSettings);
            // the PDFs are made while the broker and the sandbox start (not while the application does: its
            // start-up time is one of the figures)
            List<byte[]> pdfs = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < docs; i++) {
                byte[] pdf = TestPdfs.withText("Safety data sheet", "Product name: Bench solvent " + i,
                        "Waste code 15 01 10*", "Issued 2024-03-15", "Copy " + i + " " + System.nanoTime());
                pdfs.add(pdf);
                ids.add(TestPdfs.sha256(pdf));
            }
            kafka.awaitReady(START);
            sandbox.awaitReady(START);
            Map<String, String> app = appSettings(kafka, sandbox, share);
            app.putAll(appOverrides);
            PipelineProcess pipeline = processes.startPipeline("pipeline", app);
            double ready = pipeline.awaitReady(START).toMillis() / 1000.0;
            // readiness comes before the stage consumers have joined their groups; that wait is start-up (its
            // own scenario), not throughput, so the drop waits for it
            result.put("consumersAssignedSecondsAfterReady", awaitConsumersAssigned(kafka.bootstrapServers()));
            double cpuAtDrop = cpuSeconds(pipeline.pid());
            try (TopicWatch status = new TopicWatch(kafka.bootstrapServers(), "hse.documents.status", false)) {
                Map<String, Long> droppedAt = new HashMap<>();
                Instant begin = Instant.now();
                for (int i = 0; i < docs; i++) {
                    share.drop("inbox", String.format("bench-%05d.pdf", i), pdfs.get(i));
                    droppedAt.put(ids.get(i), System.currentTimeMillis());
                }
                Instant deadline = begin.plus(maxWait);
                long lastPrinted = -1;
                while (status.reached(ids, "DONE", "FAILED") < docs && Instant.now().isBefore(deadline) && pipeline.isAlive()) {
                    long seconds = Duration.between(begin, Instant.now()).toSeconds();
                    if (seconds / 15 != lastPrinted) {
                        lastPrinted = seconds / 15;
                        System.out.printf("  %4d s: %d of %d finished%n", seconds, status.reached(ids, "DONE", "FAILED"), docs);
                    }
                    pause(250);
                }
                // the application's CPU over the run, against the seconds it lasted: near the cores it could
                // have, the run was bound by CPU (the machine's load), not by the services
                result.put("pipelineCpuSeconds", round(cpuSeconds(pipeline.pid()) - cpuAtDrop));
                long done = status.reached(ids, "DONE");
                long failed = status.reached(ids, "FAILED");
                complete = done + failed == docs;
                List<Double> latencies = new ArrayList<>();
                long lastDone = begin.toEpochMilli();
                for (String id : ids) {
                    Long at = status.firstSeen(id, "DONE");
                    if (at != null) {
                        latencies.add((at - droppedAt.get(id)) / 1000.0);
                        lastDone = Math.max(lastDone, at);
                    }
                }
                latencies.sort(Double::compare);
                // where documents wait: median time from each state to the next, by the status records' times
                Map<String, Double> stages = new LinkedHashMap<>();
                String previous = "dropped";
                for (String state : STATES) {
                    List<Double> waits = new ArrayList<>();
                    for (String id : ids) {
                        Long from = previous.equals("dropped") ? droppedAt.get(id) : status.firstSeen(id, previous);
                        Long to = status.firstSeen(id, state);
                        if (from != null && to != null) {
                            waits.add((to - from) / 1000.0);
                        }
                    }
                    waits.sort(Double::compare);
                    stages.put(previous + "->" + state, percentile(waits, 0.5));
                    previous = state;
                }
                result.put("stageP50Seconds", stages);
                result.putAll(phases(ids, droppedAt, status, begin.toEpochMilli()));
                double elapsed = complete ? (lastDone - begin.toEpochMilli()) / 1000.0
                        : Duration.between(begin, Instant.now()).toMillis() / 1000.0;
                JsonNode stats = statsOf(sandbox);
                long requests = 0;
                long rateLimited = 0;
                Map<String, Object> byService = new LinkedHashMap<>();
                Map<String, Object> byEndpoint = new LinkedHashMap<>();
                for (String service : SandboxSettings.SERVICES) {
                    long n = stats.path(service).path("requests").asLong();
                    requests += n;
                    rateLimited += stats.path(service).path("rateLimited").asLong();
                    byService.put(service, done == 0 ? 0 : round((double) n / done));
                    byEndpoint.put(service, endpoints(sandbox, service, done));
                }
                result.put("documents", docs);
                result.put("done", done);
                result.put("failed", failed);
                result.put("complete", complete);
                result.put("seconds", elapsed);
                result.put("documentsPerSecond", round(done / Math.max(elapsed, 0.001)));
                result.put("p50Seconds", percentile(latencies, 0.50));
                result.put("p95Seconds", percentile(latencies, 0.95));
                result.put("requests", requests);
                result.put("rateLimited", rateLimited);
                result.put("rateLimitedPercent", requests == 0 ? 0.0 : round(100.0 * rateLimited / requests));
                result.put("callsPerDocument", done == 0 ? 0 : round((double) requests / done));
                result.put("callsPerDocumentByService", byService);
                result.put("callsPerDocumentByEndpoint", byEndpoint);
                result.put("readySeconds", ready);
                result.put("sandbox", sandboxSettings);
                result.put("application", appOverrides);
                result.put("stats", stats);
                result.put("hypatosUse", hypatosUse(sandbox, begin.toEpochMilli(), lastDone,
                        Double.parseDouble(sandboxSettings.get("SANDBOX_HYPATOS_RATE_LIMIT"))
                                / Double.parseDouble(sandboxSettings.get("SANDBOX_HYPATOS_RATE_WINDOW_SECONDS"))));
                result.put("serviceStats", stats.toString());
                if (!complete) {
                    System.out.printf("%s: only %d of %d finished in %d s%n", name, done + failed, docs, maxWait.toSeconds());
                }
            }
        } finally {
            processes.close();
            if (complete && !"1".equals(System.getenv("BENCH_KEEP"))) {
                processes.deleteLogs();
            } else {
                System.out.println(name + ": logs kept in " + processes.directory());
            }
        }
        return result;
    }

    private static final List<String> STAGE_GROUPS = List.of("hse-extract", "hse-hsegenius", "hse-fourhse", "hse-qehs");

    /**
     * Waits (at most a minute) until every stage's consumer group is stable with all its topic's partitions
     * assigned; the seconds it took.
     */
    private static double awaitConsumersAssigned(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        long start = System.nanoTime();
        try (Admin admin = Admin.create(props)) {
            Instant deadline = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(deadline)) {
                var groups = admin.describeConsumerGroups(STAGE_GROUPS).all().get();
                boolean settled = groups.size() == STAGE_GROUPS.size() && groups.values().stream().allMatch(group ->
                        group.state() == org.apache.kafka.common.ConsumerGroupState.STABLE
                                && group.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum() > 0);
                if (settled) {
                    break;
                }
                pause(200);
            }
        } catch (Exception e) {
            System.out.println("  consumer groups not described (" + e.getMessage() + "): dropping anyway");
        }
        return round((System.nanoTime() - start) / 1e9);
    }

    private static final List<String> STATES = List.of("RECEIVED", "EXTRACTING", "EXTRACTED", "UPLOADED", "PARSED",
            "VALIDATED", "PUBLISHED", "DONE");

    /**
     * Where the run's time went: fill (drop to the first DONE), steady (first to last DONE, and the rate between
     * them), drain (the last document handed to Hypatos, its EXTRACTING, to the last DONE), and the timelines of
     * the first and the last document to end: seconds from the drop at which each state was first seen.
     */
    private static Map<String, Object> phases(List<String> ids, Map<String, Long> droppedAt, TopicWatch status, long begin) {
        String firstId = null;
        String lastId = null;
        long firstDone = Long.MAX_VALUE;
        long lastDone = Long.MIN_VALUE;
        long lastExtracting = Long.MIN_VALUE;
        long done = 0;
        for (String id : ids) {
            Long at = status.firstSeen(id, "DONE");
            Long extracting = status.firstSeen(id, "EXTRACTING");
            if (extracting != null) {
                lastExtracting = Math.max(lastExtracting, extracting);
            }
            if (at == null) {
                continue;
            }
            done++;
            if (at < firstDone) {
                firstDone = at;
                firstId = id;
            }
            if (at > lastDone) {
                lastDone = at;
                lastId = id;
            }
        }
        Map<String, Object> phases = new LinkedHashMap<>();
        if (done == 0) {
            return phases;
        }
        double steady = (lastDone - firstDone) / 1000.0;
        phases.put("fillSeconds", round((firstDone - begin) / 1000.0));
        phases.put("steadySeconds", round(steady));
        phases.put("steadyDocumentsPerSecond", done < 2 || steady <= 0 ? 0.0 : round((done - 1) / steady));
        phases.put("drainSeconds", lastExtracting == Long.MIN_VALUE ? 0.0 : round((lastDone - lastExtracting) / 1000.0));
        phases.put("firstDocumentTimeline", timeline(firstId, droppedAt, status, begin));
        phases.put("lastDocumentTimeline", timeline(lastId, droppedAt, status, begin));
        return phases;
    }

    /** Seconds from the drop (the first file's) at which the document was dropped and reached each state. */
    private static Map<String, Double> timeline(String id, Map<String, Long> droppedAt, TopicWatch status, long begin) {
        Map<String, Double> timeline = new LinkedHashMap<>();
        timeline.put("dropped", round((droppedAt.get(id) - begin) / 1000.0));
        for (String state : STATES) {
            Long at = status.firstSeen(id, state);
            if (at != null) {
                timeline.put(state, round((at - begin) / 1000.0));
            }
        }
        return timeline;
    }

    /**
     * How much of Hypatos' limit the run used, from the sandbox's call log: the first and last call (seconds from
     * the drop) and the seconds of budget left unused between the drop and the last DONE (a second with half the
     * limit's calls counts half), the gap between the run and the bound in one figure.
     */
    private static Map<String, Object> hypatosUse(SandboxProcess sandbox, long begin, long end, double limitPerSecond) {
        JsonNode calls = sandbox.calls(SandboxSettings.HYPATOS);
        JsonNode list = calls.isArray() ? calls : calls.path("calls");
        Map<Long, Integer> perSecond = new TreeMap<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (JsonNode call : list) {
            if (call.path("status").asInt() == 429 || !call.hasNonNull("at")) {
                continue;
            }
            long at = Instant.parse(call.path("at").asText()).toEpochMilli();
            if (at < begin || at > end) {
                continue;
            }
            first = Math.min(first, at);
            last = Math.max(last, at);
            perSecond.merge((at - begin) / 1000, 1, Integer::sum);
        }
        Map<String, Object> use = new LinkedHashMap<>();
        if (first == Long.MAX_VALUE) {
            return use;
        }
        double unused = 0;
        for (long second = 0; second < (end - begin) / 1000; second++) {
            unused += Math.max(0, limitPerSecond - perSecond.getOrDefault(second, 0)) / limitPerSecond;
        }
        use.put("firstCallSeconds", round((first - begin) / 1000.0));
        use.put("lastCallSeconds", round((last - begin) / 1000.0));
        use.put("lastCallToLastDoneSeconds", round((end - last) / 1000.0));
        use.put("unusedBudgetSeconds", round(unused));
        List<Integer> perTen = new ArrayList<>();
        perSecond.forEach((second, n) -> {
            while (perTen.size() <= second / 10) {
                perTen.add(0);
            }
            perTen.set((int) (second / 10), perTen.get((int) (second / 10)) + n);
        });
        use.put("callsPer10Seconds", perTen);
        return use;
    }

    private static Map<String, String> appSettings(KafkaBrokerProcess kafka, SandboxProcess sandbox, TestShare share) {
        Map<String, String> app = new HashMap<>(sandbox.applicationSettings());
        app.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        app.put("HSE_SHARE_DIR", share.root().toString());
        app.putAll(routesSnapshot(share.root().resolveSibling("routes")));
        return app;
    }

    /** A copy of routes/ taken now, so an edit made while the bench runs never reaches a run half-way. */
    private static Map<String, String> routesSnapshot(Path copy) {
        Path routes = Path.of("routes").toAbsolutePath();
        try (Stream<Path> files = Files.walk(routes)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(routes.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("HSE_ROUTES", "file:" + copy + "/*.camel.yaml", "HSE_MAPPINGS_DIR", copy.resolve("mappings").toString());
    }

    /** Calls per document by method and path (ids replaced), from the sandbox's call log. */
    private static Map<String, Double> endpoints(SandboxProcess sandbox, String service, long docs) {
        Map<String, Integer> counts = new TreeMap<>();
        JsonNode calls = sandbox.calls(service);
        JsonNode list = calls.isArray() ? calls : calls.path("calls");
        for (JsonNode call : list) {
            String path = ID.matcher(call.path("path").asText()).replaceAll("/{id}");
            String key = call.path("method").asText() + " " + path + (call.path("status").asInt() == 429 ? " (429)" : "");
            counts.merge(key, 1, Integer::sum);
        }
        Map<String, Double> perDoc = new LinkedHashMap<>();
        if (list.size() >= 20_000) {
            // the sandbox keeps the newest 20,000 calls: these shares are of the last ones only
            perDoc.put("(call log full: shares of the newest 20,000 calls)", (double) list.size());
        }
        counts.forEach((key, n) -> perDoc.put(key, docs == 0 ? 0 : round((double) n / docs)));
        return perDoc;
    }

    private static JsonNode statsOf(SandboxProcess sandbox) {
        return sandbox.stats();
    }

    // ---------------------------------------------------------------- helpers

    private static String failureOf(TestShare share, PipelineProcess pipeline) {
        try (Stream<Path> files = Files.walk(share.root().resolve("error"))) {
            List<String> sidecars = files.filter(f -> f.toString().endsWith(".error.json")).map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    return f.toString();
                }
            }).toList();
            if (!sidecars.isEmpty()) {
                return String.join(" ", sidecars).replaceAll("\\s+", " ");
            }
        } catch (IOException | UncheckedIOException e) {
            // no error/ folder: look in the log
        }
        return pipeline.logText().lines().filter(l -> l.contains("ERROR") || l.contains("OutOfMemory") || l.contains("WARN"))
                .reduce((a, b) -> b).orElse("see the log");
    }

    /** User and system CPU seconds the process has used (all its threads), from /proc; -1 where there is none. */
    private static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of stat (utime, stime), in clock ticks of 1/100 s
            return round((Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    private static long peakRss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended
        }
        return 0;
    }

    private static long peakHeap(Path gcLog) {
        long peak = 0;
        try {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = GC_LINE.matcher(line);
                if (m.find()) {
                    peak = Math.max(peak, Long.parseLong(m.group(1)));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return peak;
    }

    private static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return round(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)));
    }

    private void write(String name, Object result) throws IOException {
        JSON.writeValue(out.resolve(name + ".json").toFile(), result);
        summary.put(name, result);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static int intEnv(String name, int fallback) {
        return Integer.parseInt(env(name, String.valueOf(fallback)));
    }

    private static void quietLogging() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.ERROR);
        ((Logger) LoggerFactory.getLogger("org.apache.pdfbox")).setLevel(Level.ERROR);
    }
}
