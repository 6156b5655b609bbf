package io.hsepipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws IOException {
        TestShare.temporary("local-profile-share").register(registry);
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
