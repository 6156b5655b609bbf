package io.hsepipeline.extract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.test.context.DynamicPropertyRegistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.sandbox.Sandbox;
import io.hsepipeline.sandbox.SandboxSettings;
import io.hsepipeline.testing.SandboxHttp;

/** The sandbox as the Extract tests see it: Hypatos' knobs, what it was asked and what it made. */
public final class HypatosSandbox {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Sandbox sandbox;

    public HypatosSandbox(Duration processingDelay) {
        this.sandbox = Sandbox.start(SandboxSettings.defaults().withPorts(0, 0, 0, 0).withProcessingDelay(processingDelay));
    }

    /** Points the application at this sandbox. */
    public void register(DynamicPropertyRegistry registry) {
        sandbox.applicationSettings().forEach((name, value) -> registry.add(name, () -> value));
    }

    Map<String, String> applicationSettings() {
        return sandbox.applicationSettings();
    }

    void faults(Map<String, Object> knobs) {
        send("POST", "/_sandbox/faults", knobs);
    }

    /** Forgets every token, file and document, and restores the start knobs. */
    void reset() {
        send("POST", "/_sandbox/reset", Map.of());
    }

    JsonNode stats() {
        return send("GET", "/_sandbox/stats", null).path("hypatos");
    }

    List<JsonNode> calls() {
        List<JsonNode> calls = new ArrayList<>();
        send("GET", "/_sandbox/hypatos/calls", null).forEach(calls::add);
        return calls;
    }

    /** Hypatos documents whose externalId is our document id. */
    public List<JsonNode> documentsFor(String documentId) {
        return entitiesWhere("documents", "externalId", documentId);
    }

    /** Files uploaded with this X-Hy-Filename. */
    public List<JsonNode> filesNamed(String fileName) {
        return entitiesWhere("files", "filename", fileName);
    }

    List<JsonNode> feedbackFor(String hypatosDocumentId) {
        return entitiesWhere("feedback", "documentId", hypatosDocumentId);
    }

    /** What the pipeline's first run did before a kill: the PDF uploaded and processed; returns the file id. */
    public String uploadAndProcess(String fileName, byte[] pdf, String externalId) {
        String token = post("/v2/auth/token", "application/x-www-form-urlencoded",
                "grant_type=client_credentials".getBytes(), "Basic " + java.util.Base64.getEncoder().encodeToString(
                        (applicationSettings().get("HYPATOS_CLIENT_ID") + ":"
                                + applicationSettings().get("HYPATOS_CLIENT_SECRET")).getBytes()), null)
                .get("access_token").asText();
        String fileId = post("/v2/files", "application/pdf", pdf, "Bearer " + token, fileName).get("id").asText();
        try {
            post("/v2/documents/process-file", "application/json", JSON.writeValueAsBytes(Map.of("fileId", fileId,
                    "projectId", applicationSettings().get("HYPATOS_PROJECT_ID"), "externalId", externalId)),
                    "Bearer " + token, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fileId;
    }

    public void close() {
        sandbox.close();
    }

    private List<JsonNode> entitiesWhere(String kind, String field, String value) {
        List<JsonNode> found = new ArrayList<>();
        send("GET", "/_sandbox/hypatos/entities", null).path(kind).forEach(entity -> {
            if (value.equals(entity.path(field).asText())) {
                found.add(entity);
            }
        });
        return found;
    }

    private JsonNode post(String path, String contentType, byte[] body, String authorization, String fileName) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + sandbox.port(SandboxSettings.HYPATOS) + path))
                .header("Content-Type", contentType).header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (fileName != null) {
            request.header("X-Hy-Filename", fileName);
        }
        return SandboxHttp.send(request.build());
    }

    private JsonNode send(String method, String path, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    URI.create("http://localhost:" + sandbox.port(SandboxSettings.HYPATOS) + path))
                    .timeout(Duration.ofSeconds(10));
            if (body == null) {
                request.GET();
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            return SandboxHttp.send(request.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
