package io.hsepipeline.qehs;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.hsepipeline.http.TokenProvider;

/**
 * QEHS credentials: the API key as a bearer token, and the record's Idempotency-Key (variable idempotencyKey)
 * on a create. An API key cannot be renewed, so a refused one stays refused.
 */
@Component("qehsAuth")
public class QehsAuth implements TokenProvider {

    private final QehsSettings settings;

    public QehsAuth(QehsSettings settings) {
        this.settings = settings;
    }

    @Override
    public void authorize(Exchange exchange) {
        exchange.getMessage().setHeader("Authorization", "Bearer " + settings.apiKey());
        String key = exchange.getVariable("idempotencyKey", String.class);
        if (key != null && "POST".equals(exchange.getMessage().getHeader(Exchange.HTTP_METHOD))) {
            exchange.getMessage().setHeader("Idempotency-Key", key);
        }
    }

    @Override
    public void refused(Exchange exchange) {
    }
}
