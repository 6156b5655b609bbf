package io.hsepipeline.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.NoTypeConversionAvailableException;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.hsepipeline.ratelimit.RateBudget;

/**
 * The Java of the service-call template (routes/01-service-call.camel.yaml), around each try's send: before it,
 * the caller's extra headers (the map in the variable httpHeaders), the service's rate budget and its
 * credentials; after it, what the answer says about both; and the answer parsed as JSON. The request line
 * (variables httpMethod, httpPath, httpQuery) and the JSON content type are set in the template itself.
 */
@Component("serviceCalls")
public class ServiceCalls {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final ObjectMapper json;
    private final RateBudget budget;
    private final Map<String, TokenProvider> tokens;

    /** @param tokens the token providers by bean name, as the template's parameter tokens names them */
    public ServiceCalls(ObjectMapper json, RateBudget budget, Map<String, TokenProvider> tokens) {
        this.json = json;
        this.budget = budget;
        this.tokens = tokens;
    }

    /**
     * Readies one try: the caller's extra headers, then a wait for the service's rate budget, then the
     * credentials (fetched after the wait, so a token is never stale by the time it is sent).
     */
    public void request(String service, String tokenProvider, Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        if (exchange.getVariable("httpHeaders") instanceof Map<?, ?> headers) {
            headers.forEach((name, value) -> message.setHeader(name.toString(), value));
        }
        budget.take(service, exchange);
        provider(tokenProvider).authorize(exchange);
    }

    /** After a try's answer: the service's rate-limit headers into its budget; a 401 to the token provider. */
    public void answered(String service, String tokenProvider, Exchange exchange) {
        budget.observe(service, exchange);
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && status == 401) {
            provider(tokenProvider).refused(exchange);
        }
    }

    private TokenProvider provider(String name) {
        TokenProvider provider = tokens.get(name);
        if (provider == null) {
            throw new IllegalArgumentException("No token provider bean named '" + name + "'");
        }
        return provider;
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
