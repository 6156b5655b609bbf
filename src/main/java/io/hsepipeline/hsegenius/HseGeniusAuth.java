package io.hsepipeline.hsegenius;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.failure.ServiceFailure;
import io.hsepipeline.http.TokenProvider;
import io.hsepipeline.metrics.ServiceCallMetrics;

/**
 * HSE Genius JWT session: login with email and password, access token refreshed with the refresh token
 * shortly before it expires (read from the JWT's exp), login again when the refresh token is refused.
 * Tokens are held in memory only and never logged.
 */
@Component
public class HseGeniusAuth implements TokenProvider {

    private static final Logger LOG = LoggerFactory.getLogger(HseGeniusAuth.class);
    static final String SERVICE = "hsegenius";

    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper json;
    private final String baseUrl;
    private final String email;
    private final String password;
    private final Duration margin;
    private final Clock clock = Clock.systemUTC();
    private final ServiceCallMetrics metrics;

    private String access;
    private Instant accessExpiry = Instant.MIN;
    private String refresh;

    public HseGeniusAuth(ObjectMapper json, @Value("${hse.hsegenius.base-url}") String baseUrl,
                         @Value("${hse.hsegenius.email}") String email,
                         @Value("${hse.hsegenius.password}") String password,
                         @Value("${hse.hsegenius.token-margin-seconds}") long marginSeconds,
                         @Value("${hse.http.response-timeout-millis}") long timeoutMillis,
                         @Value("${hse.http.connect-timeout-millis}") long connectTimeoutMillis,
                         ServiceCallMetrics metrics) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(connectTimeoutMillis)).build();
        this.timeout = Duration.ofMillis(timeoutMillis);
        this.json = json;
        this.metrics = metrics;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.email = email;
        this.password = password;
        this.margin = Duration.ofSeconds(marginSeconds);
    }

    /** Sets the Authorization header of the next HSE Genius call. */
    @Override
    public void authorize(Exchange exchange) throws IOException, InterruptedException, HttpOperationFailedException {
        exchange.getMessage().setHeader("Authorization", "Bearer " + accessToken());
    }

    /** HSE Genius answered 401: the access token is no good, whatever its exp said. */
    @Override
    public synchronized void refused(Exchange exchange) {
        access = null;
        accessExpiry = Instant.MIN;
    }

    synchronized String accessToken() throws IOException, InterruptedException, HttpOperationFailedException {
        if (access != null && clock.instant().isBefore(accessExpiry.minus(margin))) {
            return access;
        }
        if (refresh != null) {
            HttpResponse<String> refreshed = post("/api/user/token/refresh/", Map.of("refresh", refresh));
            if (refreshed.statusCode() == 200) {
                accept(json.readTree(refreshed.body()));
                return access;
            }
            LOG.info("HSE Genius refresh token refused ({}); logging in again", refreshed.statusCode());
            refresh = null;
        }
        if (email == null || email.isBlank() || password == null || password.isBlank()) {
            throw new ServiceFailure(SERVICE, "no-credentials", "HSE Genius credentials are not set.",
                    "Set HSEGENIUS_EMAIL and HSEGENIUS_PASSWORD (environment or mounted secret files).");
        }
        HttpResponse<String> login = post("/api/user/token/", Map.of("email", email, "password", password));
        if (login.statusCode() == 401 || login.statusCode() == 400) {
            throw new ServiceFailure(SERVICE, "login-refused", "HSE Genius refused the login of " + email
                    + " (" + login.statusCode() + ").", "Check HSEGENIUS_EMAIL and HSEGENIUS_PASSWORD.");
        }
        if (login.statusCode() != 200) {
            throw failed(login);
        }
        accept(json.readTree(login.body()));
        return access;
    }

    private void accept(JsonNode tokens) {
        access = tokens.path("access").asText(null);
        if (tokens.hasNonNull("refresh")) {
            refresh = tokens.get("refresh").asText();
        }
        accessExpiry = expiry(access);
        metrics.tokenFetched(SERVICE);
    }

    /** The JWT's exp claim; a token without one is used until the service refuses it. */
    private Instant expiry(String jwt) {
        try {
            String[] parts = jwt.split("\\.");
            JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return claims.has("exp") ? Instant.ofEpochSecond(claims.get("exp").asLong()) : Instant.MAX;
        } catch (RuntimeException | IOException e) {
            return Instant.MAX;
        }
    }

    /** As camel-http reports a failed call, so that the shared retry rules (Retry-After included) apply. */
    private static HttpOperationFailedException failed(HttpResponse<String> response) {
        Map<String, String> headers = new HashMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name, String.join(",", values)));
        return new HttpOperationFailedException(response.uri().toString(), response.statusCode(),
                "HSE Genius login answered " + response.statusCode(), null, headers, response.body());
    }

    private HttpResponse<String> post(String path, Map<String, String> body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8))
                .build();
        return metrics.timed(SERVICE, () -> http.send(request, HttpResponse.BodyHandlers.ofString()));
    }
}
