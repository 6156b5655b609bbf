package io.hsepipeline.http;

import java.io.IOException;
import java.io.InputStream;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.NoTypeConversionAvailableException;
import org.apache.hc.core5.http.HttpEntity;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * Request line and answers of the routes' service calls (hsegenius-call, fourhse-call, qehs-call): method, path
 * and query from the route's variables httpMethod, httpPath and httpQuery; the answer parsed as JSON.
 */
@Component("serviceCalls")
public class ServiceCalls {

    private final ObjectMapper json;

    public ServiceCalls(ObjectMapper json) {
        this.json = json;
    }

    /** JSON content type unless the body is a multipart form, which brings its own. */
    public void prepare(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeaders("CamelHttp(Query|Uri|Response.*)");
        message.setHeader(Exchange.HTTP_METHOD, exchange.getVariable("httpMethod", String.class));
        message.setHeader(Exchange.HTTP_PATH, exchange.getVariable("httpPath", String.class));
        String query = exchange.getVariable("httpQuery", String.class);
        if (query != null && !query.isBlank()) {
            message.setHeader(Exchange.HTTP_QUERY, query);
        }
        Object body = message.getBody();
        if (body != null && !(body instanceof HttpEntity)) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
    }

    /** The answer as JSON; an empty answer as a missing node. */
    public JsonNode answer(Exchange exchange) throws IOException, NoTypeConversionAvailableException {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return MissingNode.getInstance();
        }
        byte[] bytes = body instanceof InputStream in ? in.readAllBytes()
                : exchange.getContext().getTypeConverter().mandatoryConvertTo(byte[].class, exchange, body);
        return bytes.length == 0 ? MissingNode.getInstance() : json.readTree(bytes);
    }
}
