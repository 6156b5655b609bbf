package io.hsepipeline.ops;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Plain HTTP to the management port, redirects not followed, so a login redirect shows as such. Optionally as
 * a user with HTTP Basic, or keeping cookies like a browser (Hawtio's login session).
 */
final class ManagementClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final int port;
    private final String authorization;

    ManagementClient(int port) {
        this(port, null, false);
    }

    private ManagementClient(int port, String authorization, boolean cookies) {
        HttpClient.Builder builder = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER);
        if (cookies) {
            builder.cookieHandler(new CookieManager());
        }
        this.http = builder.build();
        this.port = port;
        this.authorization = authorization;
    }

    /** Every request with HTTP Basic, as scripts call Jolokia. */
    static ManagementClient basic(int port, String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new ManagementClient(port, "Basic " + token, false);
    }

    /** Keeps the cookies it is given, as the browser running Hawtio's page does. */
    static ManagementClient browser(int port) {
        return new ManagementClient(port, null, true);
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<String> postJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** One Jolokia request (or a bulk array) as JSON; the answer's own status says whether it was allowed. */
    JsonNode jolokia(String json) {
        HttpResponse<String> response = postJson("/actuator/jolokia", json);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Jolokia answered HTTP " + response.statusCode());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("Jolokia answered no JSON: " + response.body(), e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        try {
            return http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(built.method() + " " + built.uri().getPath() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
