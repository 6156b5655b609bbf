package io.hsepipeline.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** Real HTTP to one stand-in of a running sandbox, as the tests' client. */
final class SandboxClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** A response with its body parsed as JSON when it is JSON. */
    record Reply(int status, HttpResponse<byte[]> raw) {

        JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final String base;

    SandboxClient(Sandbox sandbox, String service) {
        this.base = "http://localhost:" + sandbox.port(service);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path, String bearer) {
        return send(auth(request(path).GET(), bearer));
    }

    Reply postJson(String path, String bearer, Object body) {
        return send(auth(request(path), bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(body))));
    }

    Reply postEmpty(String path, String bearer) {
        return send(auth(request(path), bearer).POST(HttpRequest.BodyPublishers.noBody()));
    }

    Reply postBytes(String path, String bearer, String contentType, byte[] body) {
        return send(auth(request(path), bearer).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Reply postForm(String path, String basicUser, String basicPassword, String form) {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/x-www-form-urlencoded");
        if (basicUser != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((basicUser + ":" + basicPassword).getBytes(StandardCharsets.UTF_8)));
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    /** multipart/form-data with text fields and at most one file part. */
    Reply postMultipart(String path, String bearer, Map<String, String> fields, String fileField, String fileName,
                        byte[] file) {
        String boundary = "sandbox-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        fields.forEach((name, value) -> write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                + name + "\"\r\n\r\n" + value + "\r\n"));
        if (fileField != null) {
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\""
                    + fileName + "\"\r\nContent-Type: application/pdf\r\n\r\n");
            body.writeBytes(file);
            write(body, "\r\n");
        }
        write(body, "--" + boundary + "--\r\n");
        return postBytes(path, bearer, "multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    JsonNode stats() {
        return get("/_sandbox/stats", null).json();
    }

    JsonNode entities(String service) {
        return get("/_sandbox/" + service + "/entities", null).json();
    }

    JsonNode calls(String service) {
        return get("/_sandbox/" + service + "/calls", null).json();
    }

    Reply faults(Object body) {
        return postJson("/_sandbox/faults", null, body);
    }

    void reset() {
        postJson("/_sandbox/reset", null, Map.of());
    }

    private static HttpRequest.Builder auth(HttpRequest.Builder request, String bearer) {
        return bearer == null ? request : request.header("Authorization", "Bearer " + bearer);
    }

    static byte[] json(Object body) {
        try {
            return body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
