package io.hsepipeline.hypatos;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

import io.hsepipeline.http.TokenProvider;
import io.hsepipeline.metrics.ServiceCallMetrics;

/**
 * Hypatos access tokens (client credentials, fetched by {@code direct:hypatos-token}): one token for the whole
 * application, kept until shortly before it expires or until Hypatos refuses it. It puts the token on the
 * message as its Authorization header. Token values are never logged.
 */
@Component("hypatosTokens")
public class HypatosTokens implements TokenProvider {

    static final String AUTHORIZATION = "Authorization";
    // which token an exchange sent, without keeping the token itself anywhere but in the request
    private static final String TOKEN_FETCHED_AT = "hypatosTokenFetchedAt";
    private static final Logger LOG = LoggerFactory.getLogger(HypatosTokens.class);

    private final ProducerTemplate camel;
    private final HypatosSettings settings;
    private final Clock clock;
    private final ServiceCallMetrics metrics;
    private Token current;

    @Autowired
    public HypatosTokens(@Lazy ProducerTemplate camel, HypatosSettings settings, ServiceCallMetrics metrics) {
        this(camel, settings, Clock.systemUTC(), metrics);
    }

    HypatosTokens(ProducerTemplate camel, HypatosSettings settings, Clock clock, ServiceCallMetrics metrics) {
        this.camel = camel;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void authorize(Exchange exchange) throws Exception {
        Token token = token();
        exchange.getMessage().setHeader(AUTHORIZATION, "Bearer " + token.value());
        exchange.setVariable(TOKEN_FETCHED_AT, token.fetchedAt());
    }

    /**
     * Once the application is ready, the token is fetched ahead in the background: the first upload then does not
     * wait for it (the first fetch also warms up the HTTP route, about 0.6 s on 2 cores, during which Hypatos' budget
     * stood idle). A failure is only logged: the first call fetches the token again and reports what is wrong.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void fetchAhead() {
        if (settings.clientId() == null || settings.clientId().isBlank()) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                token();
            } catch (Exception e) {
                LOG.debug("Hypatos access token not fetched ahead (the first call fetches it): {}", e.getMessage());
            }
        }, "hypatos-token-ahead");
        thread.setDaemon(true);
        thread.start();
    }

    /** Hypatos refused the token this exchange sent (401): the next call fetches a new one, unless one already did. */
    @Override
    public synchronized void refused(Exchange exchange) {
        Object sent = exchange.getVariable(TOKEN_FETCHED_AT);
        if (current != null && current.fetchedAt().equals(sent)) {
            LOG.info("Hypatos refused the access token; fetching a new one");
            current = null;
        }
    }

    private synchronized Token token() throws Exception {
        Instant now = clock.instant();
        if (current == null || !now.isBefore(current.refreshAt())) {
            current = fetch(now);
        }
        return current;
    }

    private Token fetch(Instant now) throws Exception {
        Exchange answer = camel.send("direct:hypatos-token", exchange -> { });
        if (answer.getException() != null) {
            throw answer.getException();
        }
        Map<?, ?> body = answer.getMessage().getMandatoryBody(Map.class);
        Object value = body.get("access_token");
        if (!(value instanceof String token) || token.isBlank()) {
            throw new IllegalStateException("Hypatos answered the token request without an access_token");
        }
        long lifetime = body.get("expires_in") instanceof Number seconds ? seconds.longValue() : 0;
        Instant refreshAt = now.plusSeconds(lifetime).minus(settings.tokenRefreshMargin());
        LOG.info("Fetched a Hypatos access token valid for {} s", lifetime);
        metrics.tokenFetched("hypatos");
        return new Token(token, now, refreshAt);
    }

    private record Token(String value, Instant fetchedAt, Instant refreshAt) {
        @Override
        public String toString() {
            return "Token[fetchedAt=" + fetchedAt + ", refreshAt=" + refreshAt + "]";
        }
    }
}
