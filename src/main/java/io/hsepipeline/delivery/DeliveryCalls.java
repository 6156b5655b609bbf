package io.hsepipeline.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.hc.core5.http.HttpEntity;
import org.springframework.stereotype.Component;

/** Request line and content type of a delivery call, from the route's variables httpMethod and httpPath. */
@Component("deliveryCalls")
public class DeliveryCalls {

    public void prepare(Exchange exchange) {
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_METHOD, exchange.getVariable("httpMethod", String.class));
        message.setHeader(Exchange.HTTP_PATH, exchange.getVariable("httpPath", String.class));
        message.removeHeaders("CamelHttp(Query|Uri|Response.*)");
        Object body = message.getBody();
        if (body != null && !(body instanceof HttpEntity)) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
    }
}
