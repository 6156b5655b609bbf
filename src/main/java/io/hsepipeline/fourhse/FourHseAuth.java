package io.hsepipeline.fourhse;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.http.TokenProvider;
import io.hsepipeline.metrics.ServiceCallMetrics;

/**
 * 4HSE credentials for each call: the API key as the {@code access-token} query parameter when one is set,
 * otherwise a Keycloak access token (password grant, renewed with the refresh token while that lives), kept
 * until shortly before it expires and dropped when 4HSE answers 401. Tokens never reach a log.
 */
@Component
public class FourHseAuth implements TokenProvider {

    private final FourHseSettings settings;
    private final ObjectMapper json;
    private final Duration timeout;
    private final Clock clock = Clock.systemUTC();
    private final HttpClient http;
    private final ServiceCallMetrics metrics;
    private Token token;

    public FourHseAuth(FourHseSettings settings, ObjectMapper json,
                       @Value("${hse.http.response-timeout-millis}") long timeoutMillis,
                       @Value("${hse.http.connect-timeout-millis}") long connectTimeoutMillis,
                       ServiceCallMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.json = json;
        this.timeout = Duration.ofMillis(timeoutMillis);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(connectTimeoutMillis))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Adds the credentials to the request the exchange is about to send. */
    @Override
    public void authorize(Exchange exchange) throws IOException, InterruptedException, HttpOperationFailedException {
        if (settings.usesApiKey()) {
            exchange.getMessage().setHeader(Exchange.HTTP_QUERY, "access-token=" + encode(settings.apiKey()));
        } else {
            exchange.getMessage().setHeader("Authorization", "Bearer " + accessToken());
        }
    }

    /** 4HSE refused the token (401): the next call logs in again. */
    @Override
    public synchronized void refused(Exchange exchange) {
        token = token == null ? null : token.withoutAccess();
    }

    synchronized String accessToken() throws IOException, InterruptedException, HttpOperationFailedException {
        Instant now = clock.instant();
        if (token != null && now.isBefore(token.renewAt())) {
            return token.access();
        }
        if (token != null && token.refresh() != null && now.isBefore(token.refreshUntil())) {
            try {
                token = request(Map.of("grant_type", "refresh_token", "refresh_token", token.refresh()));
                return token.access();
            } catch (HttpOperationFailedException refused) {
                if (refused.getStatusCode() >= 500 || refused.getStatusCode() == 429) {
                    throw refused;
                }
            }
        }
        token = request(Map.of("grant_type", "password", "username", settings.username(), "password", settings.password()));
        return token.access();
    }

    private Token request(Map<String, String> grant) throws IOException, InterruptedException, HttpOperationFailedException {
        Map<String, String> form = new LinkedHashMap<>(grant);
        form.put("client_id", settings.clientId());
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.tokenUrl())).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = metrics.timed("fourhse", () -> http.send(request, HttpResponse.BodyHandlers.ofString()));
        if (response.statusCode() / 100 != 2) {
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name, String.join(",", values)));
            // the refused request's form holds the password: only the URL and the answer go into the failure
            throw new HttpOperationFailedException(settings.tokenUrl(), response.statusCode(), "token request refused",
                    null, headers, response.body());
        }
        JsonNode answer = json.readTree(response.body());
        metrics.tokenFetched("fourhse");
        Instant now = clock.instant();
        long lifetime = answer.path("expires_in").asLong(60);
        long margin = Math.min(settings.tokenMarginSeconds(), lifetime / 2);
        String refresh = answer.path("refresh_token").asText(null);
        Instant refreshUntil = now.plusSeconds(Math.max(0, answer.path("refresh_expires_in").asLong(0) - margin));
        return new Token(answer.path("access_token").asText(), now.plusSeconds(lifetime - margin), refresh, refreshUntil);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    private record Token(String access, Instant renewAt, String refresh, Instant refreshUntil) {

        Token withoutAccess() {
            return new Token(access, Instant.MIN, refresh, refreshUntil);
        }

        @Override
        public String toString() {
            return "Token[renewAt=" + renewAt + "]";
        }
    }
}
