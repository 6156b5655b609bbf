package io.hsepipeline.ops;

import static io.hsepipeline.testing.TestKafka.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.testing.SandboxHttp;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/**
 * Hypatos goes down (every call 5xx): the extract stage pauses, shows PAUSED in readiness (which still answers
 * 200), holds the record it was working on instead of dead-lettering it, leaves the next one on Kafka, and
 * resumes by itself when Hypatos is back; both documents go on, and nothing becomes a dead letter.
 */
@CamelSpringBootTest
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = HsePipelineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StagePauseTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MAXIMUM_REDELIVERIES = 2;
    private static final TestShare SHARE = TestShare.temporary("stage-pause-share");
    private static final SandboxHttp SANDBOX = SandboxHttp.start(Duration.ofMillis(300));

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        SANDBOX.register(registry);
        // without the hold, a record would be a dead letter after three tries in well under a second
        registry.add("hse.retry.maximum-redeliveries", () -> Integer.toString(MAXIMUM_REDELIVERIES));
        registry.add("hse.retry.initial-delay-millis", () -> "100");
        registry.add("hse.retry.maximum-delay-millis", () -> "500");
        registry.add("hse.health.failure-threshold", () -> "3");
        registry.add("hse.health.probe-interval-millis", () -> "300");
        registry.add("hse.logging.progress", () -> "true");
    }

    @Autowired
    CamelContext camel;

    @Value("${local.management.port}")
    int managementPort;

    @AfterAll
    static void stopSandbox() {
        SANDBOX.close();
    }

    @Test
    void serviceThatGoesDownPausesItsStageWithoutDeadLettersAndItResumesWhenTheServiceIsBack(CapturedOutput output)
            throws Exception {
        ManagementClient management = new ManagementClient(managementPort);
        // valid safety data sheets: the documents go on after extract, and must not fail at HSE Genius either
        byte[] first = TestPdfs.withText("Safety data sheet", "Product name: Held while Hypatos is down",
                "Waste code 15 01 10*", "Copy " + UUID.randomUUID());
        byte[] second = TestPdfs.withText("Safety data sheet", "Product name: Waiting on Kafka",
                "Waste code 15 01 10*", "Copy " + UUID.randomUUID());
        String firstId = TestPdfs.sha256(first);
        String secondId = TestPdfs.sha256(second);
        String firstName = TestShare.uniqueName("held");
        SANDBOX.faults("{\"hypatos\": {\"errorRate\": 1.0}}");
        try {
            SHARE.drop("inbox", firstName, first);

            await().atMost(WAIT).until(() -> stageStatus(management).equals("PAUSED"));
            assertThat(ServiceHelper.isSuspended(camel.getRoute("extract").getConsumer())).isTrue();
            HttpResponse<String> readiness = management.get("/actuator/health/readiness");
            assertThat(readiness.statusCode()).as("one service down keeps the pod in its Service").isEqualTo(200);
            assertThat(JSON.readTree(readiness.body()).path("status").asText()).isEqualTo("PAUSED");

            SHARE.drop("inbox", TestShare.uniqueName("waiting"), second);
            await().atMost(WAIT).until(() -> SHARE.states(secondId).contains("RECEIVED"));
            long errorsBefore = SANDBOX.stats("hypatos").path("injectedErrors").asLong();
            // the held record goes on being tried well past its redeliveries, and never becomes a dead letter
            await().atMost(WAIT).until(() -> SANDBOX.stats("hypatos").path("injectedErrors").asLong()
                    >= errorsBefore + 2L * (MAXIMUM_REDELIVERIES + 1));
            assertThat(records(SHARE.deadLetterTopic("extract"))).isEmpty();
            assertThat(SHARE.states(firstId)).doesNotContain("FAILED");
            assertThat(SHARE.states(secondId)).as("not taken off Kafka while paused").containsExactly("RECEIVED");
        } finally {
            SANDBOX.faults("{\"hypatos\": {\"errorRate\": 0}}");
        }

        await().atMost(WAIT).until(() -> stageStatus(management).equals("UP"));
        assertThat(ServiceHelper.isSuspended(camel.getRoute("extract").getConsumer())).isFalse();
        await().atMost(WAIT).until(() -> SHARE.states(firstId).contains("EXTRACTED") && SHARE.states(secondId).contains("EXTRACTED"));
        assertThat(records(SHARE.deadLetterTopic("extract"))).isEmpty();
        assertThat(SHARE.states(firstId)).doesNotContain("FAILED");
        assertThat(SHARE.states(secondId)).doesNotContain("FAILED");
        // hse.logging.progress: a readable line per state change, with the time since the one before
        await().atMost(WAIT).until(() -> Pattern.compile(Pattern.quote(firstName) + "  EXTRACTED  hypatos \\d+\\.\\d s")
                .matcher(output.getAll()).find());
    }

    private static String stageStatus(ManagementClient management) throws Exception {
        JsonNode health = JSON.readTree(management.get("/actuator/health/stages").body());
        return health.at("/components/extract/status").asText();
    }
}
