package io.hsepipeline.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.NoTypeConversionAvailableException;
import org.apache.hc.core5.http.HttpEntity;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * Request line and answers of the service-call template (routes/01-service-call.camel.yaml): method, path and
 * query from the variables httpMethod, httpPath and httpQuery, extra headers from the map in httpHeaders; the
 * answer parsed as JSON.
 */
@Component("serviceCalls")
public class ServiceCalls {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final ObjectMapper json;

    public ServiceCalls(ObjectMapper json) {
        this.json = json;
    }

    /** JSON content type for a body to send, unless it is a multipart form or httpHeaders names another. */
    public void prepare(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeaders("CamelHttp(Query|Uri|Response.*)");
        String method = exchange.getVariable("httpMethod", String.class);
        message.setHeader(Exchange.HTTP_METHOD, method);
        message.setHeader(Exchange.HTTP_PATH, exchange.getVariable("httpPath", String.class));
        String query = exchange.getVariable("httpQuery", String.class);
        if (query != null && !query.isBlank()) {
            message.setHeader(Exchange.HTTP_QUERY, query);
        }
        Object body = message.getBody();
        if (body != null && !(body instanceof HttpEntity) && !"GET".equals(method)) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        if (exchange.getVariable("httpHeaders") instanceof Map<?, ?> headers) {
            headers.forEach((name, value) -> message.setHeader(name.toString(), value));
        }
    }

    /** The answer as JSON; an empty answer as a missing node. */
    public JsonNode answer(Exchange exchange) throws IOException, NoTypeConversionAvailableException {
        byte[] bytes = bytes(exchange);
        return bytes.length == 0 ? MissingNode.getInstance() : json.readTree(bytes);
    }

    /** The answer as a map of its JSON; an empty answer as null. */
    public Map<String, Object> answerMap(Exchange exchange) throws IOException, NoTypeConversionAvailableException {
        byte[] bytes = bytes(exchange);
        return bytes.length == 0 ? null : json.readValue(bytes, MAP);
    }

    private static byte[] bytes(Exchange exchange) throws IOException, NoTypeConversionAvailableException {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return new byte[0];
        }
        return body instanceof InputStream in ? in.readAllBytes()
                : exchange.getContext().getTypeConverter().mandatoryConvertTo(byte[].class, exchange, body);
    }
}
