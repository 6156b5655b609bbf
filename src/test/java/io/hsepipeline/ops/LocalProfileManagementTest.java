package io.hsepipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.testing.TestShare;

@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
@DisableJmx(false)
// Spring Boot tests turn metrics export off unless asked
@AutoConfigureObservability
class LocalProfileManagementTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Value("${local.management.port}")
    int managementPort;

    @Autowired
    CamelContext camel;

    /** Credentials as make run hands them over: one as a JVM system property, the others as settings. */
    private static final String SYSTEM_PROPERTY_SECRET = "QEHS_API_KEY";
    private static final Map<String, String> SECRETS = Map.of(
            "HYPATOS_CLIENT_SECRET", "s3cr3t-hypatos-4f1d",
            "HSEGENIUS_PASSWORD", "s3cr3t-hsegenius-9a7c",
            "FOURHSE_PASSWORD", "s3cr3t-4hse-2b8e",
            SYSTEM_PROPERTY_SECRET, "s3cr3t-qehs-6d0f");

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws IOException {
        TestShare.temporary("local-profile-share").register(registry);
        // the extract routes exist only with a Hypatos client and project, and they carry the client secret
        registry.add("HYPATOS_CLIENT_ID", () -> "local-client");
        registry.add("HYPATOS_PROJECT_ID", () -> "local-project");
        SECRETS.forEach((name, value) -> {
            if (name.equals(SYSTEM_PROPERTY_SECRET)) {
                System.setProperty(name, value);
            } else {
                registry.add(name, () -> value);
            }
        });
    }

    @AfterAll
    static void forgetTheSystemProperty() {
        System.clearProperty(SYSTEM_PROPERTY_SECRET);
    }

    @Test
    void jolokiaRefusesAHeapDumpEvenToTheLocalOperator() throws IOException {
        Path dump = Files.createTempDirectory("no-heap-dump").resolve("heap.hprof");

        JsonNode answer = new ManagementClient(managementPort).jolokia("{\"type\":\"exec\","
                + "\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\","
                + "\"arguments\":[\"" + dump + "\",true]}");

        assertThat(answer.path("status").asInt()).isEqualTo(403);
        assertThat(dump).doesNotExist();
    }

    @Test
    void jolokiaRefusesSystemPropertiesAndJvmArguments() {
        ManagementClient client = new ManagementClient(managementPort);

        JsonNode properties = client.jolokia(ManagementLoginTest.read("java.lang:type=Runtime", "SystemProperties"));
        JsonNode arguments = client.jolokia(ManagementLoginTest.read("java.lang:type=Runtime", "InputArguments"));
        JsonNode uptime = client.jolokia(ManagementLoginTest.read("java.lang:type=Runtime", "Uptime"));

        assertThat(properties.path("status").asInt()).isEqualTo(403);
        assertThat(arguments.path("status").asInt()).isEqualTo(403);
        assertThat(uptime.path("status").asInt()).isEqualTo(200);
    }

    @Test
    void routesDumpWithoutResolvedPlaceholdersOnly() {
        ManagementClient client = new ManagementClient(managementPort);
        String context = client.jolokia("{\"type\":\"search\",\"mbean\":\"org.apache.camel:context="
                + camel.getManagementName() + ",type=context,*\"}").path("value").path(0).asText();

        JsonNode plain = client.jolokia(ManagementLoginTest.exec(context, "dumpRoutesAsXml()"));
        JsonNode resolved = client.jolokia(ManagementLoginTest.exec(context, "dumpRoutesAsXml(boolean)", true));

        assertThat(plain.path("status").asInt()).isEqualTo(200);
        assertThat(plain.path("value").asText()).contains("{{hse.hypatos.client-secret}}");
        assertThat(resolved.path("status").asInt()).isEqualTo(403);
        assertNoSecretIn(plain.toString());
    }

    @Test
    void noSecretInAnyReadableMBeanAttributeNorInHealthOrInfo() {
        ManagementClient client = new ManagementClient(managementPort);
        JsonNode domains = client.jolokia("{\"type\":\"list\"}").path("value");
        ArrayNode reads = JSON.createArrayNode();
        domains.fields().forEachRemaining(domain -> domain.getValue().fields().forEachRemaining(mbean -> {
            if (mbean.getValue().path("attr").size() > 0) {
                reads.addObject().put("type", "read").put("mbean", domain.getKey() + ":" + mbean.getKey())
                        .putObject("config").put("ignoreErrors", true).put("maxDepth", 30);
            }
        }));

        JsonNode answers = client.jolokia(reads.toString());

        assertThat(reads.size()).as("MBeans with attributes").isGreaterThan(20);
        assertThat(answers.toString()).contains("intake-inbox", "Uptime");
        assertNoSecretIn(domains.toString());
        assertNoSecretIn(answers.toString());
        assertNoSecretIn(client.get("/actuator/health").body());
        assertNoSecretIn(client.get("/actuator/info").body());
    }

    private static void assertNoSecretIn(String answer) {
        SECRETS.forEach((name, value) -> assertThat(answer).as("answer holds " + name).doesNotContain(value));
    }

    @Test
    void hawtioOpensWithoutLoginInTheLocalProfile() {
        HttpResponse<String> page = new ManagementClient(managementPort).get("/actuator/hawtio/index.html");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).containsIgnoringCase("hawtio");
    }

    @Test
    void jolokiaListsThePipelineRoutesForHawtio() throws Exception {
        HttpResponse<String> search = new ManagementClient(managementPort)
                .get("/actuator/jolokia/search/org.apache.camel:type=routes,*");

        assertThat(search.statusCode()).isEqualTo(200);
        JsonNode names = JSON.readTree(search.body()).get("value");
        assertThat(names.toString()).contains("intake-inbox", "intake-publish", "intake-recover", "document-status");
    }

    @Test
    void prometheusScrapesTheApplicationsMetrics() {
        HttpResponse<String> metrics = new ManagementClient(managementPort).get("/actuator/prometheus");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes", "application=\"hse-pipeline\"");
    }

    @Test
    void readinessAndLivenessAreUpWithKafkaReachable() throws Exception {
        ManagementClient client = new ManagementClient(managementPort);

        HttpResponse<String> readiness = client.get("/actuator/health/readiness");
        HttpResponse<String> liveness = client.get("/actuator/health/liveness");

        assertThat(readiness.statusCode()).isEqualTo(200);
        JsonNode ready = JSON.readTree(readiness.body());
        assertThat(ready.get("status").asText()).isEqualTo("UP");
        assertThat(ready.at("/components/kafka/status").asText()).isEqualTo("UP");
        assertThat(liveness.statusCode()).isEqualTo(200);
    }
}
