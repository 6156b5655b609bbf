package io.hsepipeline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.testing.SandboxHttp;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/**
 * A document FAILED at validate whose records HSE Genius no longer has, once the parse wait is over: its retry
 * makes the upload again, and the document reaches DONE from the new upload.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ValidateRetryFromUploadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Duration PARSE_MAX_WAIT = Duration.ofSeconds(10);
    private static final TestShare SHARE = TestShare.temporary("validate-retry-share");
    private static final SandboxHttp SANDBOX = SandboxHttp.start(Duration.ofMillis(300));
    private static final String ALL_FILTERS = "eer_codes,upload,id,status,title,product_name";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        SANDBOX.register(registry);
        registry.add("hse.hsegenius.parse-max-wait", PARSE_MAX_WAIT::toString);
    }

    @AfterAll
    static void stopSandbox() {
        SANDBOX.close();
    }

    @Test
    void recordsGoneAtHseGeniusAfterTheParseWaitAreUploadedAgainByTheRetry() throws Exception {
        ApiClient api = new ApiClient(port);
        byte[] pdf = TestPdfs.withText("Safety data sheet", "Product name: Acetone", "Waste code 15 01 10*",
                "Issued 2026-01-15", "Copy " + UUID.randomUUID());
        String id = TestPdfs.sha256(pdf);
        String name = TestShare.uniqueName("acetone-gone");
        // History's filter not declared: the batch refuses the document before validating anything
        SANDBOX.faults("{\"hsegenius\": {\"declaredFilters\": \"eer_codes,id,status,title,product_name\"}}");
        try {
            SHARE.drop("inbox", name, pdf);
            await().atMost(WAIT).until(() -> "FAILED".equals(api.document(id).path("state").asText())
                    && Files.exists(SHARE.folder("error").resolve(name)));
        } finally {
            SANDBOX.faults("{\"hsegenius\": {\"declaredFilters\": \"" + ALL_FILTERS + "\"}}");
        }
        JsonNode failed = api.document(id);
        assertThat(failed.path("stage").asText()).isEqualTo("validate");
        String firstUpload = failed.at("/ids/hsegenius/uploadId").asText();

        // someone at HSE Genius moves the parsed records to History: HSE Genius no longer has them to validate
        String token = hseGeniusToken();
        await().atMost(WAIT).until(() -> !parsedOf(firstUpload).isEmpty());
        hseGenius("/api/files/imported/history/", token, Map.of("customer", 1,
                "filters", Map.of("upload", firstUpload), "remove_from_parsed", true));
        assertThat(parsedOf(firstUpload)).isEmpty();
        Instant uploadedAt = Instant.parse(JSON.readTree(SHARE.root().resolve(".hse").resolve(id)
                .resolve("hsegenius.json").toFile()).path("uploadedAt").asText());
        await().atMost(WAIT).until(() -> Instant.now().isAfter(uploadedAt.plus(PARSE_MAX_WAIT)));

        HttpResponse<String> retried = api.post("/api/documents/" + id + "/retry", Map.of());
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        assertThat(ApiClient.json(retried).path("state").asText()).isEqualTo("EXTRACTED");

        await().atMost(WAIT).until(() -> "DONE".equals(api.document(id).path("state").asText()));
        JsonNode done = api.document(id);
        String secondUpload = done.at("/ids/hsegenius/uploadId").asText();
        assertThat(secondUpload).isNotBlank().isNotEqualTo(firstUpload);
        // the new upload is announced (UPLOADED) like a first one
        assertThat(StreamSupport.stream(done.path("timeline").spliterator(), false)
                .map(entry -> entry.path("state").asText()).toList())
                .containsSubsequence("UPLOADED", "FAILED", "EXTRACTED", "UPLOADED", "VALIDATED", "DONE");
        assertThat(SANDBOX.entities("hsegenius").path("uploads"))
                .filteredOn(upload -> upload.path("filename").asText().equals(id + ".pdf")).hasSize(2);
        assertThat(done.at("/ids/fourhse")).hasSize(1);
        assertThat(done.at("/ids/qehs")).hasSize(1);
        assertThat(SHARE.folder("done").resolve(name)).hasBinaryContent(pdf);
        assertThat(SHARE.root().resolve(".hse").resolve(id).resolve("hsegenius-failed-1.json")).exists();
        // Hypatos was told of the first successful upload, and not again
        String hypatosId = done.at("/ids/hypatos/documentId").asText();
        assertThat(StreamSupport.stream(SANDBOX.entities("hypatos").path("feedback").spliterator(), false)
                .filter(f -> f.path("documentId").asText().equals(hypatosId))
                .map(f -> f.at("/body/successful").asBoolean()).toList()).containsExactly(true);
    }

    private static List<JsonNode> parsedOf(String uploadId) {
        return StreamSupport.stream(SANDBOX.entities("hsegenius").path("parsed").spliterator(), false)
                .filter(record -> record.path("upload").asText().equals(uploadId)).toList();
    }

    private static String hseGeniusToken() throws Exception {
        Map<String, String> app = SANDBOX.applicationSettings();
        return hseGenius("/api/user/token/", null, Map.of("email", app.get("HSEGENIUS_EMAIL"),
                "password", app.get("HSEGENIUS_PASSWORD"))).path("access").asText();
    }

    private static JsonNode hseGenius(String path, String token, Map<String, Object> body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + SANDBOX.port("hsegenius") + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return SandboxHttp.send(request.build());
    }
}
