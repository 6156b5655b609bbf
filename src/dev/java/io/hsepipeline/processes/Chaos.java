package io.hsepipeline.processes;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.testing.TestKafka;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/**
 * make chaos: the broker, the sandbox and the application as processes of their own. Drops PDFs (distinct,
 * duplicates, bad ones) in bursts, SIGKILLs the application at moments spread over the stages (and the broker
 * too with CHAOS_BROKER=1), restarts it, waits for quiet, then reconciles every file and every document at
 * every service. Exit status 0 only when nothing is lost, stuck, missing or created twice.
 */
public final class Chaos {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofMinutes(3);
    private static final List<String> STAGES = List.of("intake", "extract", "upload", "validate", "delivery");

    private Chaos() {
    }

    /** N, K, seed and the rest, from CHAOS_* environment variables with defaults. */
    public record Settings(int files, int kills, long seed, boolean killBroker, Duration quiet, Duration maxWait,
                           boolean keep) {

        public static Settings fromEnvironment() {
            return new Settings(
                    Integer.parseInt(env("CHAOS_FILES", "300")),
                    Integer.parseInt(env("CHAOS_KILLS", "10")),
                    Long.parseLong(env("CHAOS_SEED", String.valueOf(new Random().nextInt(1_000_000)))),
                    env("CHAOS_BROKER", "0").equals("1"),
                    Duration.ofSeconds(Long.parseLong(env("CHAOS_QUIET_SECONDS", "20"))),
                    Duration.ofSeconds(Long.parseLong(env("CHAOS_MAX_WAIT_SECONDS", "900"))),
                    env("CHAOS_KEEP", "0").equals("1"));
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value.trim();
        }
    }

    public static void main(String[] args) {
        quietLogging();
        Report report = run(Settings.fromEnvironment());
        System.exit(report.clean() ? 0 : 1);
    }

    /** One whole run; prints the table and returns it. */
    public static Report run(Settings settings) {
        Instant begin = Instant.now();
        System.out.printf("chaos: %d files, %d kills%s, seed %d (repeat with CHAOS_SEED=%d)%n", settings.files(),
                settings.kills(), settings.killBroker() ? ", broker killed too" : "", settings.seed(), settings.seed());
        Random random = new Random(settings.seed());
        List<Drop> corpus = corpus(settings.files(), random);
        ProcessGroup processes = ProcessGroup.create("chaos");
        boolean clean = false;
        try {
            Run run = new Run(settings, random, processes, corpus);
            Report report = run.execute(begin);
            clean = report.clean();
            return report;
        } finally {
            processes.close();
            if (clean && !settings.keep()) {
                processes.deleteLogs();
            } else {
                System.out.println("Logs and share kept in " + processes.directory());
            }
        }
    }

    static void quietLogging() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.ERROR);
        ((Logger) LoggerFactory.getLogger("org.apache.pdfbox")).setLevel(Level.ERROR);
        ((Logger) LoggerFactory.getLogger("org.awaitility")).setLevel(Level.WARN);
    }

    // ---------------------------------------------------------------- corpus

    enum Kind {
        GOOD("done", null), DUPLICATE("duplicate", null), HYPATOS_FAILED("error", "failed"),
        NOT_A_PDF("error", "not-a-pdf"), DAMAGED("error", "damaged"), EMPTY("error", "empty");

        final String folder;
        final String reason;

        Kind(String folder, String reason) {
            this.folder = folder;
            this.reason = reason;
        }
    }

    /** One file to drop: its name, bytes and what it is; its document id is the SHA-256 of its bytes. */
    record Drop(String name, byte[] bytes, Kind kind, String documentId) {
        Drop(String name, byte[] bytes, Kind kind) {
            this(name, bytes, kind, TestPdfs.sha256(bytes));
        }
    }

    /** Mostly distinct PDFs; about 10 % the same bytes as an earlier one, 4 % failed by Hypatos, 12 % bad. */
    static List<Drop> corpus(int count, Random random) {
        List<Drop> drops = new ArrayList<>();
        List<Drop> good = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = String.format("chaos-%04d", i);
            int dice = random.nextInt(100);
            Drop drop;
            if (dice < 10 && !good.isEmpty()) {
                Drop original = good.get(random.nextInt(good.size()));
                drop = new Drop(name + "-dup.pdf", original.bytes(), Kind.DUPLICATE, original.documentId());
            } else if (dice < 14) {
                drop = new Drop(name + "-failed.pdf", TestPdfs.withText("Scanned page " + i,
                        "SANDBOX-OUTCOME: failed"), Kind.HYPATOS_FAILED);
            } else if (dice < 18) {
                drop = new Drop(name + "-csv.pdf", (new String(TestPdfs.notAPdf(), StandardCharsets.UTF_8) + "Row " + i
                        + "\n").getBytes(StandardCharsets.UTF_8), Kind.NOT_A_PDF);
            } else if (dice < 22) {
                drop = new Drop(name + "-damaged.pdf", damaged(i), Kind.DAMAGED);
            } else if (dice < 26) {
                drop = new Drop(name + "-empty.pdf", new byte[0], Kind.EMPTY);
            } else {
                drop = new Drop(name + ".pdf", TestPdfs.withText("Safety data sheet", "Product name: Chaos solvent " + i,
                        "Waste code 15 01 10*", "Issued 2024-03-15", "Seed copy " + i + " " + random.nextLong()),
                        Kind.GOOD);
                good.add(drop);
            }
            drops.add(drop);
        }
        return drops;
    }

    /** TestPdfs.damaged(), made distinct by a trailing comment so each is a document of its own. */
    private static byte[] damaged(int i) {
        byte[] base = TestPdfs.damaged();
        byte[] tail = ("\n% damaged " + i + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] result = new byte[base.length + tail.length];
        System.arraycopy(base, 0, result, 0, base.length);
        System.arraycopy(tail, 0, result, base.length, tail.length);
        return result;
    }

    // ---------------------------------------------------------------- the run

    private static final class Run {
        private final Settings settings;
        private final Random random;
        private final ProcessGroup processes;
        private final List<Drop> corpus;
        private final TestShare share;
        private final KafkaBrokerProcess kafka;
        private final SandboxProcess sandbox;
        private final PipelineProcess pipeline;
        private final List<String> killLog = new ArrayList<>();
        private int brokerKills;
        private final Instant begin = Instant.now();

        Run(Settings settings, Random random, ProcessGroup processes, List<Drop> corpus) {
            this.settings = settings;
            this.random = random;
            this.processes = processes;
            this.corpus = corpus;
            try {
                this.share = new TestShare(Files.createDirectories(processes.directory().resolve("share")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            kafka = processes.startBroker();
            sandbox = processes.startSandbox(Map.of(
                    // minutes, not an hour: quick processing, rate limits that only add waiting raised
                    "SANDBOX_PROCESSING_DELAY_MS", "200",
                    "SANDBOX_HYPATOS_RATE_LIMIT", "1000",
                    "SANDBOX_QEHS_RATE_LIMIT", "5000"));
            kafka.awaitReady(START);
            sandbox.awaitReady(START);
            Map<String, String> app = new HashMap<>(sandbox.applicationSettings());
            app.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            app.put("HSE_SHARE_DIR", share.root().toString());
            app.put("HSEGENIUS_VALIDATE_CRON", "0/2 * * * * ?");
            app.put("HSE_INTAKE_SETTLE_MILLIS", "500");
            app.put("HSE_INTAKE_POLL_MILLIS", "250");
            app.put("HSE_EXTRACT_POLL_TICK_MILLIS", "250");
            app.put("HSE_EXTRACT_POLL_FIRST_MILLIS", "500");
            app.put("HSE_EXTRACT_POLL_MAX_MILLIS", "2000");
            app.put("HSE_RETRY_MAX_DELAY_MILLIS", "10000");
            // empty and damaged files are judged after 5 s unchanged instead of waiting for a slow writer
            app.put("HSE_INTAKE_UNFINISHED_WAIT_MILLIS", "5000");
            // a killed process's partitions move after the session timeout: 10 s instead of Kafka's 45 s
            app.put("CAMEL_COMPONENT_KAFKA_SESSIONTIMEOUTMS", "10000");
            app.put("CAMEL_COMPONENT_KAFKA_HEARTBEATINTERVALMS", "1000");
            // a killed leader's lock is free again after 3 s of silent heartbeat instead of 10
            app.put("HSE_LEADER_FILE_INTERVAL", "1s");
            app.put("HSE_LEADER_FILE_HEARTBEAT_MULTIPLIER", "3");
            pipeline = processes.startPipeline("pipeline", app);
            pipeline.awaitReady(START);
        }

        Report execute(Instant begin) {
            List<String> stages = new ArrayList<>();
            while (stages.size() < settings.kills()) {
                List<String> round = new ArrayList<>(STAGES);
                Collections.shuffle(round, random);
                stages.addAll(round);
            }
            List<List<Drop>> bursts = bursts(settings.kills() + 1);
            for (int k = 0; k <= settings.kills(); k++) {
                drop(bursts.get(k));
                if (k < settings.kills()) {
                    boolean withBroker = settings.killBroker() && k % 3 == 1;
                    killAt(k + 1, stages.get(k), withBroker);
                }
            }
            Duration waited = awaitQuiet();
            Report report = reconcile();
            report.kills = killLog.size();
            report.brokerKills = brokerKills;
            report.print(settings, Duration.between(begin, Instant.now()), waited, killLog, brokerKills);
            return report;
        }

        /** The corpus in order, cut into the given number of bursts, each 0.5 to 1.5 times the mean size. */
        private List<List<Drop>> bursts(int count) {
            double[] weights = new double[count];
            double total = 0;
            for (int i = 0; i < count; i++) {
                weights[i] = 0.5 + random.nextDouble();
                total += weights[i];
            }
            List<List<Drop>> bursts = new ArrayList<>();
            double end = 0;
            int from = 0;
            for (int i = 0; i < count; i++) {
                end += weights[i];
                int to = i == count - 1 ? corpus.size() : (int) Math.round(corpus.size() * end / total);
                bursts.add(corpus.subList(from, to));
                from = to;
            }
            return bursts;
        }

        private void drop(List<Drop> burst) {
            burst.forEach(drop -> share.drop("inbox", drop.name(), drop.bytes()));
        }

        /**
         * Waits until the stage is seen at work (intake: files in the inbox; the others: the sandbox's entities
         * growing), waits a random moment more, then SIGKILLs the application (and the broker) and restarts it.
         */
        private void killAt(int number, String stage, boolean withBroker) {
            Instant looking = Instant.now();
            boolean seen = false;
            Map<String, Integer> before = activity();
            while (Duration.between(looking, Instant.now()).compareTo(Duration.ofSeconds(60)) < 0) {
                if (stage.equals("intake")) {
                    seen = count("inbox") > 0;
                } else {
                    pause(Duration.ofMillis(300));
                    Map<String, Integer> now = activity();
                    seen = now.get(stage) > before.get(stage);
                    before = now;
                }
                if (seen) {
                    break;
                }
                pause(Duration.ofMillis(100));
            }
            pause(Duration.ofMillis(random.nextInt(stage.equals("intake") ? 2500 : 800)));
            Map<String, Integer> at = activity();
            pipeline.kill();
            if (withBroker) {
                kafka.kill();
                brokerKills++;
            }
            String line = String.format("%4d s  kill %2d at %s%s: %s; processing/ %d, inbox/ %d, Hypatos documents %d,"
                            + " uploads %d, validated %d, delivered %d", Duration.between(begin, Instant.now()).toSeconds(), number, stage,
                    seen ? "" : " (not seen at work in 60 s)", withBroker ? "application and broker" : "application",
                    count("processing"), count("inbox"), at.get("extract"), at.get("upload"), at.get("validate"),
                    at.get("delivery"));
            killLog.add(line);
            System.out.println(line);
            if (withBroker) {
                kafka.start();
                kafka.awaitReady(START);
            }
            pipeline.start();
            System.out.printf("        restarted, ready in %d s%n", pipeline.awaitReady(START).toSeconds());
        }

        /** Per stage, a count that grows while the stage works. */
        private Map<String, Integer> activity() {
            JsonNode hsegenius = sandbox.entities("hsegenius");
            JsonNode fourhse = sandbox.entities("fourhse");
            return Map.of(
                    "extract", sandbox.entities("hypatos").path("documents").size(),
                    "upload", hsegenius.path("uploads").size(),
                    "validate", hsegenius.path("validated").size() + hsegenius.path("history").size() + count("done"),
                    "delivery", fourhse.path("certificates").size() + fourhse.path("certificateActions").size()
                            + fourhse.path("entityAttachments").size()
                            + sandbox.entities("qehs").path("records").size());
        }

        /** Until nothing is in the inbox or processing/ and nothing changed for the quiet period; bounded. */
        private Duration awaitQuiet() {
            Instant start = Instant.now();
            Object[] last = {null};
            Instant[] changed = {Instant.now()};
            try {
                await("quiet").atMost(settings.maxWait()).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    List<Object> signature = List.of(count("inbox"), count("processing"), count("done"),
                            count("error"), count("duplicate"), activity());
                    if (!signature.equals(last[0])) {
                        last[0] = signature;
                        changed[0] = Instant.now();
                        System.out.printf("%4d s  inbox/, processing/, done/, error/, duplicate/, services: %s%n",
                                Duration.between(begin, Instant.now()).toSeconds(), signature);
                    }
                    return count("inbox") == 0 && count("processing") == 0
                            && Duration.between(changed[0], Instant.now()).compareTo(settings.quiet()) >= 0;
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.out.printf("not quiet after %d s: reconciling what there is%n", settings.maxWait().toSeconds());
            }
            return Duration.between(start, Instant.now());
        }

        private int count(String folder) {
            Path dir = share.folder(folder);
            if (!Files.isDirectory(dir)) {
                return 0;
            }
            try (Stream<Path> files = Files.list(dir)) {
                return (int) files.filter(f -> !f.getFileName().toString().endsWith(".json")).count();
            } catch (IOException e) {
                return 0;
            }
        }

        private Report reconcile() {
            Report report = new Report();
            // the files: each where its kind says, with its reason
            Map<String, List<Drop>> byDocument = corpus.stream()
                    .collect(Collectors.groupingBy(Drop::documentId, LinkedHashMap::new, Collectors.toList()));
            for (Drop drop : corpus) {
                report.dropped.merge(drop.kind().name(), 1, Integer::sum);
                String where = where(drop);
                report.placed.merge(where, 1, Integer::sum);
                if (where.equals("error")) {
                    report.errorReasons.merge(reason(drop), 1, Integer::sum);
                }
                String expected = drop.kind().folder;
                if (drop.kind() == Kind.GOOD || drop.kind() == Kind.DUPLICATE) {
                    expected = "done|duplicate";
                }
                if (!expected.contains(where)) {
                    report.problems.add(drop.name() + " (" + drop.kind() + ") is " + where + ", expected " + expected);
                } else if (drop.kind().reason != null && !drop.kind().reason.equals(reason(drop))) {
                    report.problems.add(drop.name() + " in error/ says " + reason(drop) + ", expected " + drop.kind().reason);
                }
            }
            Set<String> delivered = new HashSet<>();
            Set<String> atHypatos = new HashSet<>();
            byDocument.forEach((id, drops) -> {
                Kind kind = drops.get(0).kind();
                if (kind == Kind.GOOD || kind == Kind.DUPLICATE) {
                    long done = drops.stream().filter(d -> where(d).equals("done")).count();
                    if (done != 1) {
                        report.problems.add("document " + id.substring(0, 12) + " (" + drops.size() + " files) has "
                                + done + " files in done/, expected 1");
                    }
                    delivered.add(id);
                    atHypatos.add(id);
                } else if (kind == Kind.HYPATOS_FAILED) {
                    atHypatos.add(id);
                }
            });
            Map<String, String> nameToId = corpus.stream().collect(Collectors.toMap(Drop::name, Drop::documentId));

            // the services: per document, how many of each were created
            JsonNode hypatos = sandbox.entities("hypatos");
            JsonNode hsegenius = sandbox.entities("hsegenius");
            JsonNode fourhse = sandbox.entities("fourhse");
            JsonNode qehs = sandbox.entities("qehs");
            List<JsonNode> validated = TestKafka.recordsAt(kafka.bootstrapServers(), "hse.records.validated").stream()
                    .map(Chaos::json).toList();
            Map<String, String> recordToDocument = new HashMap<>();
            validated.forEach(r -> recordToDocument.put(r.path("recordId").asText(), r.path("documentId").asText()));
            Map<String, String> certificateToDocument = new HashMap<>();
            fourhse.path("certificates").forEach(c -> certificateToDocument.put(c.path("certificate_id").asText(),
                    c.at("/data/documentId").asText()));

            report.service("Hypatos files", atHypatos, hypatos.path("files"),
                    f -> nameToId.getOrDefault(f.path("filename").asText(), "?"), true);
            report.service("Hypatos documents", atHypatos, hypatos.path("documents"), d -> d.path("externalId").asText(),
                    false);
            report.service("HSE Genius uploads", delivered, hsegenius.path("uploads"),
                    u -> u.path("filename").asText().replaceFirst("\\.pdf$", ""), false);
            report.service("4HSE certificates", delivered, fourhse.path("certificates"),
                    c -> c.at("/data/documentId").asText(), false);
            report.service("4HSE certificate actions", delivered, fourhse.path("certificateActions"),
                    a -> certificateToDocument.getOrDefault(a.path("certificate_id").asText(), "?"), false);
            report.service("4HSE attachments", delivered, fourhse.path("entityAttachments"),
                    a -> certificateToDocument.getOrDefault(a.path("entity_id").asText(), "?"), false);
            report.service("QEHS records", delivered, qehs.path("records"),
                    r -> recordToDocument.getOrDefault(r.at("/payload/source_record_id").asText(), "?"), false);
            report.service("hse.records.validated", delivered, JSON.valueToTree(validated),
                    r -> r.path("documentId").asText(), false);
            return report;
        }

        private String where(Drop drop) {
            for (String folder : List.of("done", "error", "duplicate", "inbox")) {
                if (Files.exists(share.folder(folder).resolve(drop.name()))) {
                    return folder;
                }
            }
            return Files.exists(share.folder("processing").resolve(drop.documentId() + ".pdf")) ? "processing" : "lost";
        }

        private String reason(Drop drop) {
            Path sidecar = share.folder("error").resolve(drop.name() + ".error.json");
            try {
                return Files.exists(sidecar) ? JSON.readTree(sidecar.toFile()).path("reason").asText() : "(no sidecar)";
            } catch (IOException e) {
                return "(unreadable sidecar)";
            }
        }
    }

    // ---------------------------------------------------------------- the report

    /** The reconciliation: where the files are, what each service holds per document, what is wrong. */
    public static final class Report {
        final Map<String, Integer> dropped = new TreeMap<>();
        final Map<String, Integer> placed = new TreeMap<>();
        final Map<String, Integer> errorReasons = new TreeMap<>();
        final Map<String, int[]> services = new LinkedHashMap<>();
        final List<String> problems = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        int kills;
        int brokerKills;

        /** Counts the documents with 0, 1 and more than 1 of the entities; a second one is tolerated only if said so. */
        void service(String what, Set<String> expected, JsonNode entities, Function<JsonNode, String> document,
                     boolean strayTolerated) {
            Map<String, Integer> perDocument = new HashMap<>();
            entities.forEach(e -> perDocument.merge(document.apply(e), 1, Integer::sum));
            int[] row = new int[4];
            for (String id : expected) {
                int n = perDocument.getOrDefault(id, 0);
                row[Math.min(n, 2)]++;
                if (n == 0) {
                    problems.add(what + ": none for document " + id.substring(0, 12));
                } else if (n > 1 && !strayTolerated) {
                    problems.add(what + ": " + n + " for document " + id.substring(0, 12));
                } else if (n > 1) {
                    notes.add(what + ": " + n + " for document " + id.substring(0, 12) + " (a kill in the upload window)");
                }
            }
            perDocument.forEach((id, n) -> {
                if (!expected.contains(id)) {
                    row[3] += n;
                    problems.add(what + ": " + n + " for " + id + ", which should have none");
                }
            });
            services.put(what, row);
        }

        public boolean clean() {
            return problems.isEmpty();
        }

        public List<String> problems() {
            return List.copyOf(problems);
        }

        /** SIGKILLs of the application done. */
        public int kills() {
            return kills;
        }

        /** Of those, how many killed the broker too. */
        public int brokerKills() {
            return brokerKills;
        }

        void print(Settings settings, Duration took, Duration quiet, List<String> kills, int brokerKills) {
            StringBuilder out = new StringBuilder();
            out.append(String.format("%nchaos: %d files, %d kills (%d with the broker), seed %d: %s in %d s"
                            + " (the last %d s waiting for quiet)%n", settings.files(), kills.size(), brokerKills,
                    settings.seed(), clean() ? "CLEAN" : "FAILED", took.toSeconds(), quiet.toSeconds()));
            out.append(String.format("%-28s %6d   %s%n", "files dropped", dropped.values().stream().mapToInt(i -> i).sum(),
                    dropped));
            for (String folder : List.of("done", "error", "duplicate", "inbox", "processing", "lost")) {
                String label = switch (folder) {
                    case "inbox" -> "still in inbox/";
                    case "processing" -> "still in processing/";
                    case "lost" -> "lost";
                    default -> "in " + folder + "/";
                };
                out.append(String.format("%-28s %6d   %s%n", label, placed.getOrDefault(folder, 0),
                        folder.equals("error") ? errorReasons : ""));
            }
            out.append(String.format("%n%-28s %6s %6s %6s %8s%n", "per document, 1 expected", "0", "1", ">1", "foreign"));
            services.forEach((what, row) -> out.append(String.format("%-28s %6d %6d %6d %8d%n", what, row[0], row[1],
                    row[2], row[3])));
            if (!notes.isEmpty()) {
                out.append("\ntolerated:\n");
                notes.forEach(n -> out.append("  ").append(n).append('\n'));
            }
            if (!problems.isEmpty()) {
                out.append("\nPROBLEMS (repeat with CHAOS_SEED=").append(settings.seed()).append("):\n");
                problems.stream().limit(50).forEach(p -> out.append("  ").append(p).append('\n'));
                if (problems.size() > 50) {
                    out.append("  ... and ").append(problems.size() - 50).append(" more\n");
                }
            }
            System.out.print(out);
        }
    }

    private static JsonNode json(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The driver's own waiting between looks at the processes (not a test: it drives them). */
    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
