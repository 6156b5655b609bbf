package io.hsepipeline.hsegenius;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.testing.SandboxHttp;

/** Calls the HSE Genius sandbox as a person at HSE Genius would, with a token of its own. */
final class HseGeniusClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final String token;

    HseGeniusClient(SandboxHttp sandbox) throws Exception {
        this.base = "http://localhost:" + sandbox.port("hsegenius");
        JsonNode login = SandboxHttp.send(HttpRequest.newBuilder(URI.create(base + "/api/user/token/"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of(
                        "email", sandbox.applicationSettings().get("HSEGENIUS_EMAIL"),
                        "password", sandbox.applicationSettings().get("HSEGENIUS_PASSWORD"))))).build());
        this.token = login.get("access").asText();
    }

    JsonNode post(String path, String json) {
        return SandboxHttp.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(json.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    JsonNode get(String path) {
        return SandboxHttp.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).GET().build());
    }
}
