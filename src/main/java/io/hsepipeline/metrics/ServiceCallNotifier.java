package io.hsepipeline.metrics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Sees every message the routes send to an http(s) endpoint and, when its address starts with a service's
 * base URL, records the call: so the metrics survive any change to the routes that call the services.
 */
@Component
public class ServiceCallNotifier extends EventNotifierSupport implements CamelContextConfiguration {

    private final ServiceCallMetrics metrics;
    private final Map<String, String> servicesByUrl = new LinkedHashMap<>();

    public ServiceCallNotifier(ServiceCallMetrics metrics,
                               @Value("${hse.hypatos.base-url}") String hypatos,
                               @Value("${hse.hsegenius.base-url}") String hsegenius,
                               @Value("${hse.fourhse.base-url}") String fourhse,
                               @Value("${hse.fourhse.token-url}") String fourhseToken,
                               @Value("${hse.qehs.base-url}") String qehs) {
        this.metrics = metrics;
        servicesByUrl.put(hypatos, "hypatos");
        servicesByUrl.put(hsegenius, "hsegenius");
        servicesByUrl.put(fourhse, "fourhse");
        servicesByUrl.put(fourhseToken, "fourhse");
        servicesByUrl.put(qehs, "qehs");
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    /** Camel Spring Boot does not pick up event notifier beans by itself: added before the routes start. */
    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        if (!camelContext.getManagementStrategy().getEventNotifiers().contains(this)) {
            camelContext.getManagementStrategy().addEventNotifier(this);
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        // Camel times a send, and then reports it as sent, only when a notifier took its sending event
        return event instanceof ExchangeSendingEvent || event instanceof ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof ExchangeSentEvent sent)) {
            return;
        }
        String uri = sent.getEndpoint().getEndpointUri();
        if (!uri.startsWith("http")) {
            return;
        }
        String service = serviceOf(uri);
        if (service == null) {
            return;
        }
        Exchange exchange = sent.getExchange();
        Throwable error = exchange.getException();
        int status;
        if (error instanceof HttpOperationFailedException http) {
            status = http.getStatusCode();
        } else {
            Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            status = error != null || code == null ? 0 : code;
        }
        metrics.record(service, status, error, Duration.ofMillis(sent.getTimeTaken()));
    }

    /** The service whose base URL is the longest start of the address. */
    String serviceOf(String uri) {
        String best = null;
        int length = -1;
        for (Map.Entry<String, String> entry : servicesByUrl.entrySet()) {
            String base = stripScheme(entry.getKey());
            if (!base.isEmpty() && stripScheme(uri).startsWith(base) && base.length() > length) {
                best = entry.getValue();
                length = base.length();
            }
        }
        return best;
    }

    private static String stripScheme(String uri) {
        int at = uri.indexOf("://");
        String rest = at < 0 ? uri : uri.substring(at + 3);
        return rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
    }
}
