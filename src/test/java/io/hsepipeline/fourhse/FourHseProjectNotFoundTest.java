package io.hsepipeline.fourhse;

import static io.hsepipeline.testing.TestKafka.header;
import static io.hsepipeline.testing.TestKafka.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.delivery.DeliverySandbox;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.sandbox.SandboxSettings;

/** FOURHSE_PROJECT_NAME names a project 4HSE does not have (only a suspended one of that name exists). */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
class FourHseProjectNotFoundTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final DeliverySandbox BENCH = new DeliverySandbox(SandboxSettings.defaults(), "fourhse-no-project");

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BENCH.register(registry);
        registry.add("FOURHSE_PROJECT_NAME", () -> "Old Works Srl");
    }

    @Test
    void recordIsADeadLetterSayingTheProjectWasNotFoundAndQehsStillGetsIt() throws Exception {
        ReceivedDocument document = BENCH.document("no-project.pdf");
        Map<String, Object> record = DeliverySandbox.validated(document, List.of("150110*"), List.of("HP 4"));
        String recordId = (String) record.get("recordId");

        BENCH.publish(record);

        await().atMost(WAIT).until(() -> !records(BENCH.share().deadLetterTopic("fourhse"), recordId).isEmpty());
        ConsumerRecord<String, String> dead = records(BENCH.share().deadLetterTopic("fourhse"), recordId).get(0);
        assertThat(header(dead, "hse_stage")).isEqualTo("fourhse");
        assertThat(header(dead, "hse_reason")).isEqualTo("project-not-found");
        assertThat(header(dead, "hse_detail")).contains("4HSE project 'Old Works Srl' not found");
        assertThat(header(dead, "hse_action")).contains("FOURHSE_PROJECT_NAME");
        assertThat(header(dead, "hse_original_topic")).isEqualTo(BENCH.share().topic("hse.records.validated"));
        assertThat(BENCH.fourhse("certificates", c -> true)).isEmpty();

        Path sidecar = BENCH.share().folder("error").resolve("no-project.pdf.error.json");
        await().atMost(WAIT).until(() -> Files.exists(sidecar) && qehsRecordIn(sidecar, recordId));
        JsonNode error = new ObjectMapper().readTree(sidecar.toFile());
        assertThat(error.path("stage").asText()).isEqualTo("fourhse");
        assertThat(error.path("reason").asText()).isEqualTo("project-not-found");
        assertThat(BENCH.qehsRecords(r -> r.path("payload").path("source_record_id").asText().equals(recordId))).hasSize(1);
    }

    /** QEHS's id reaches the document's result even though 4HSE failed it first. */
    private static boolean qehsRecordIn(Path errorSidecar, String recordId) throws Exception {
        Path journal = BENCH.journal(new ObjectMapper().readTree(errorSidecar.toFile()).path("documentId").asText());
        return new ObjectMapper().readTree(journal.resolve("result.json").toFile())
                .path("fields").path("qehs").path(recordId).hasNonNull("recordId");
    }
}
