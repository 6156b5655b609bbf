package io.hsepipeline;

import static io.hsepipeline.testing.TestKafka.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.testing.SandboxHttp;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;
import io.hsepipeline.testing.TopicSchemas;

/** The whole pipeline: a PDF dropped into the inbox ends at all four services, in done/, with one of everything. */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
class PipelineEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final TestShare SHARE = TestShare.temporary("end-to-end-share");
    private static final SandboxHttp SANDBOX = SandboxHttp.start(Duration.ofMillis(500));

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        SANDBOX.register(registry);
    }

    @AfterAll
    static void stopSandbox() {
        SANDBOX.close();
    }

    @Test
    void pdfDroppedInTheInboxReachesEveryServiceOnceAndEndsInDone() throws Exception {
        byte[] pdf = TestPdfs.withText("Safety data sheet", "Product name: Acetone", "Waste code 15 01 10*",
                "Issued 2026-01-15", "Copy " + UUID.randomUUID());
        String documentId = TestPdfs.sha256(pdf);
        String name = TestShare.uniqueName("acetone");

        SHARE.drop("inbox", name, pdf);

        await().atMost(WAIT).until(() -> validatedOf(documentId).size() == 1);
        ConsumerRecord<String, String> record = validatedOf(documentId).get(0);
        assertThat(TopicSchemas.violations("hse.records.validated", record.value())).isEmpty();
        JsonNode value = JSON.readTree(record.value());
        assertThat(value.get("product").asText()).isEqualTo("Acetone");
        assertThat(value.get("eerCodes")).extracting(JsonNode::asText).containsExactly("150110");
        assertThat(value.get("hpCodes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("HP4", "HP14");
        assertThat(value.get("hypatosDocumentId").asText()).isNotBlank();

        String recordId = value.get("recordId").asText();
        Path sidecar = SHARE.folder("done").resolve(name + ".result.json");
        await().atMost(WAIT).until(() -> Files.exists(sidecar)
                && JSON.readTree(sidecar.toFile()).at("/qehs/" + recordId + "/recordId").isTextual()
                && JSON.readTree(sidecar.toFile()).at("/fourhse/" + recordId + "/certificateId").isTextual());
        assertThat(SHARE.folder("done").resolve(name)).hasBinaryContent(pdf);
        JsonNode result = JSON.readTree(sidecar.toFile());
        assertThat(result.at("/hypatos/documentId").asText()).isEqualTo(value.get("hypatosDocumentId").asText());
        assertThat(result.at("/hsegenius/uploadId").asText()).isEqualTo(value.get("hsegeniusUploadId").asText());
        assertThat(result.get("hpCodes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("HP4", "HP14");

        assertThat(SANDBOX.entities("hypatos").path("documents")).hasSize(1);
        assertThat(SANDBOX.entities("hsegenius").path("uploads")).hasSize(1);
        assertThat(SANDBOX.entities("fourhse").path("certificates")).hasSize(1);
        assertThat(SANDBOX.entities("qehs").path("records")).hasSize(1);
        assertThat(SANDBOX.entities("hypatos").path("feedback").toString()).contains("true");
        await().atMost(WAIT).until(() -> states(documentId).contains("DONE"));
        assertThat(states(documentId)).containsSubsequence("RECEIVED", "EXTRACTED", "UPLOADED", "VALIDATED",
                "PUBLISHED", "DELIVERED", "DONE");
    }

    private static List<ConsumerRecord<String, String>> validatedOf(String documentId) {
        return records(SHARE.topic("hse.records.validated")).stream()
                .filter(r -> r.value().contains(documentId)).toList();
    }

    private static List<String> states(String documentId) throws IOException {
        return SHARE.states(documentId);
    }
}
