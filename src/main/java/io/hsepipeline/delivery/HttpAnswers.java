package io.hsepipeline.delivery;

import java.io.IOException;
import java.io.InputStream;

import org.apache.camel.Exchange;
import org.apache.camel.NoTypeConversionAvailableException;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** A service's answer as JSON (an empty answer as a missing node), for the delivery routes' beans. */
@Component("httpAnswers")
public class HttpAnswers {

    private final ObjectMapper json;

    public HttpAnswers(ObjectMapper json) {
        this.json = json;
    }

    public JsonNode json(Exchange exchange) throws IOException, NoTypeConversionAvailableException {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return MissingNode.getInstance();
        }
        byte[] bytes = body instanceof InputStream in ? in.readAllBytes()
                : exchange.getContext().getTypeConverter().mandatoryConvertTo(byte[].class, exchange, body);
        return bytes.length == 0 ? MissingNode.getInstance() : json.readTree(bytes);
    }
}
