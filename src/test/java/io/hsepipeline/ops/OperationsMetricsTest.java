package io.hsepipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.sandbox.DefaultCredentials;
import io.hsepipeline.testing.SandboxHttp;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/**
 * A document through every stage, with a few 429s on the way, then what operators see: the Prometheus scrape
 * (names and tags the dashboard uses), health, and the log, which is JSON with the document id and no secret.
 */
@CamelSpringBootTest
// tests switch metrics export off unless asked: the Prometheus registry is what is tested here
@AutoConfigureObservability
@SpringBootTest(classes = HsePipelineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class OperationsMetricsTest {

    static final Path DASHBOARD = Path.of("kubernetes/grafana/hse-pipeline-dashboard.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLAIN_LOG_LINE = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT)?\\d\\d:\\d\\d:\\d\\d[.,]\\d{3}\\S*\\s+.*\\b(TRACE|DEBUG|INFO|WARN|ERROR)\\b");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final TestShare SHARE = TestShare.temporary("operations-metrics-share");
    private static final SandboxHttp SANDBOX = SandboxHttp.start(Duration.ofMillis(300));
    private static final List<String> SECRETS = List.of(DefaultCredentials.HYPATOS_CLIENT_SECRET,
            DefaultCredentials.HSEGENIUS_PASSWORD, DefaultCredentials.FOURHSE_PASSWORD, DefaultCredentials.FOURHSE_API_KEY,
            DefaultCredentials.QEHS_API_KEY);

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        SANDBOX.register(registry);
        registry.add("hse.retry.initial-delay-millis", () -> "100");
        registry.add("hse.retry.maximum-delay-millis", () -> "2000");
        registry.add("hse.metrics.lag-interval-millis", () -> "500");
    }

    @Value("${local.management.port}")
    int managementPort;

    @AfterAll
    static void stopSandbox() {
        SANDBOX.close();
    }

    @Test
    void processedDocumentShowsInMetricsHealthAndJsonLogsWithoutSecrets(CapturedOutput output) throws Exception {
        byte[] pdf = TestPdfs.withText("Safety data sheet", "Product name: Acetone", "Waste code 15 01 10*",
                "Copy " + UUID.randomUUID());
        String documentId = TestPdfs.sha256(pdf);
        // two 429s at Hypatos and at 4HSE: retried, counted, and their failures logged
        SANDBOX.faults("{\"hypatos\": {\"stormRequests\": 2}, \"fourhse\": {\"stormRequests\": 2}}");

        SHARE.drop("inbox", TestShare.uniqueName("acetone-sds"), pdf);

        await().atMost(WAIT).until(() -> SHARE.states(documentId).contains("DONE"));
        ManagementClient management = new ManagementClient(managementPort);
        await().atMost(WAIT).until(() -> scrape(management).contains("hse_documents{application=\"hse-pipeline\",state=\"DONE\"} 1.0"));
        String scrape = scrape(management);
        Files.writeString(Path.of("target/operations-metrics.prom"), scrape);

        assertThat(scrape)
                .contains("camel_exchanges_total{", "routeId=\"extract\"", "routeId=\"hsegenius-upload\"",
                        "routeId=\"fourhse\"", "routeId=\"qehs\"")
                .contains("camel_exchanges_failed_total{", "camel_route_policy_seconds_count{")
                .contains("hse_documents_in_flight{application=\"hse-pipeline\",stage=\"extract\"} 0.0")
                .contains("hse_kafka_consumer_lag{application=\"hse-pipeline\",group=\"hse-extract\",stage=\"extract\",topic=\"" + SHARE.receivedTopic() + "\"} 0.0");
        for (String service : List.of("hypatos", "hsegenius", "fourhse", "qehs")) {
            assertThat(value(scrape, "hse_service_calls_seconds_count", "outcome=\"ok\",service=\"" + service + "\""))
                    .as("successful calls to " + service).isPositive();
        }
        assertThat(value(scrape, "hse_service_calls_seconds_count", "outcome=\"rate-limited\",service=\"hypatos\",status=\"429\""))
                .isEqualTo(2);
        assertThat(value(scrape, "hse_service_calls_seconds_count", "outcome=\"rate-limited\",service=\"fourhse\",status=\"429\""))
                .isEqualTo(2);
        assertThat(value(scrape, "hse_service_retries_total", "service=\"fourhse\"")).isGreaterThanOrEqualTo(2);
        assertThat(value(scrape, "hse_service_token_refreshes_total", "service=\"hypatos\"")).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "hse_service_token_refreshes_total", "service=\"hsegenius\"")).isGreaterThanOrEqualTo(1);
        assertThat(scrape).contains("hse_service_calls_seconds_bucket{");

        assertThat(dashboardMetricNames()).as("every series the dashboard queries is in the scrape")
                .allSatisfy(name -> assertThat(scrape).contains("\n" + name + "{"));

        HttpResponse<String> readiness = management.get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        JsonNode stages = JSON.readTree(readiness.body()).at("/components/stages/components");
        assertThat(stages.fieldNames()).toIterable().containsExactlyInAnyOrder("extract", "hsegenius", "fourhse", "qehs");
        stages.forEach(stage -> assertThat(stage.path("status").asText()).isEqualTo("UP"));

        List<JsonNode> lines = jsonLines(output.getAll());
        String afterLoggingStarted = output.getAll().substring(output.getAll().indexOf("{\"@timestamp\""));
        assertThat(afterLoggingStarted.lines()).as("once Spring Boot set up logging, no plain-text log line")
                .noneMatch(line -> PLAIN_LOG_LINE.matcher(line).find());
        List<JsonNode> aboutDocument = lines.stream().filter(line -> line.path("message").asText().contains(documentId)
                && !line.path("message").asText().startsWith("Received ")).toList();
        assertThat(aboutDocument).isNotEmpty()
                .allSatisfy(line -> assertThat(line.path("hseDocumentId").asText()).as(line.toString()).isEqualTo(documentId));
        assertThat(lines).filteredOn(line -> documentId.equals(line.path("hseDocumentId").asText()))
                .extracting(line -> line.at("/camel/routeId").asText())
                .contains("extract", "hsegenius-upload");

        String everything = output.getAll() + scrape + management.get("/actuator/health").body()
                + management.get("/actuator/info").body() + readSidecars();
        for (String secret : SECRETS) {
            assertThat(everything).as("the configured secret " + secret).doesNotContain(secret);
        }
    }

    /** Metric names in the dashboard's queries: every hse_ and camel_ name. */
    static Set<String> dashboardMetricNames() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern metric = Pattern.compile("\\b((?:hse|camel)_[a-z0-9_]+)");
        for (JsonNode target : JSON.readTree(DASHBOARD.toFile()).findValues("expr")) {
            Matcher matcher = metric.matcher(target.asText());
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
        }
        return names;
    }

    static String scrape(ManagementClient management) {
        HttpResponse<String> response = management.get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The value of the one series of this name whose labels include these (in Prometheus' sorted order). */
    static double value(String scrape, String name, String labels) {
        Pattern series = Pattern.compile("^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(labels) + "[^}]*\\} (\\S+)$",
                Pattern.MULTILINE);
        Matcher matcher = series.matcher(scrape);
        double sum = 0;
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(1));
        }
        return sum;
    }

    private static List<JsonNode> jsonLines(String output) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.lines().toList()) {
            if (line.startsWith("{")) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException notJson) {
                    // counted below as a line that is not JSON
                }
            }
        }
        return lines;
    }

    private static String readSidecars() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String folder : List.of("done", "error")) {
            Path dir = SHARE.folder(folder);
            if (Files.isDirectory(dir)) {
                try (var files = Files.walk(dir)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                        all.append(Files.readString(file));
                    }
                }
            }
        }
        return all.toString();
    }
}
