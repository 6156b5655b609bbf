package io.hsepipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.testing.TestShare;

/** Outside the local profile, and with no Kafka broker listening at all. */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DefaultProfileManagementTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Value("${local.management.port}")
    int managementPort;

    @Autowired
    CamelContext camel;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws IOException {
        TestShare.temporary("default-profile-share").register(registry);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String nobody = "localhost:" + closedPort;
        registry.add("hse.kafka.bootstrap-servers", () -> nobody);
    }

    @Test
    void hawtioAndJolokiaRefuseAnyoneNotLoggedIn() {
        ManagementClient client = new ManagementClient(managementPort);

        HttpResponse<String> user = client.get("/actuator/hawtio/user");
        HttpResponse<String> jolokia = client.get("/actuator/jolokia/search/org.apache.camel:type=routes,*");

        assertThat(user.statusCode()).isIn(401, 403);
        assertThat(jolokia.statusCode()).isIn(401, 403);
        assertThat(jolokia.body()).doesNotContain("intake-publish");
    }

    @Test
    void applicationStartsButIsNotReadyWhileKafkaCannotBeReached() throws Exception {
        ManagementClient client = new ManagementClient(managementPort);

        HttpResponse<String> readiness = client.get("/actuator/health/readiness");
        HttpResponse<String> liveness = client.get("/actuator/health/liveness");

        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(readiness.body()).at("/components/kafka/status").asText()).isEqualTo("DOWN");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(camel.getRouteController().getRouteStatus("intake-inbox")).isEqualTo(ServiceStatus.Started);
    }
}
