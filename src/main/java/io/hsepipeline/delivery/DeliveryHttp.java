package io.hsepipeline.delivery;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.springframework.stereotype.Component;

/**
 * The HTTP client of the delivery endpoints: no retries of its own (Apache HttpClient would silently repeat
 * a POST answered 429/503), so that every retry goes through the hse-stage backoff and is counted.
 */
@Component("deliveryHttp")
public class DeliveryHttp implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
    }
}
