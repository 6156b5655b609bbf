package io.hsepipeline.hsegenius;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What HSE Genius's live Swagger (OpenAPI JSON at HSEGENIUS_SWAGGER_PATH) declares: the query parameters of its
 * list endpoints, which are the filter names it honours (django-filter ignores any other name).
 */
@Component
public class HseGeniusSwagger {

    public static final String IMPORTED = "/api/files/imported/";
    public static final String HP_FINDER = "/api/files/hp-finder/";

    private final AtomicReference<Map<String, List<String>>> declared = new AtomicReference<>();

    /** Reads a Swagger answer, once a batch run: what it declares counts for that run. */
    public void read(JsonNode openApi) {
        declared.set(parse(openApi));
    }

    /** The Swagger could not be read this run: until it is, nothing that needs it is verified. */
    public void forget() {
        declared.set(null);
    }

    /** The query parameters each GET of the description declares, by path. */
    public static Map<String, List<String>> parse(JsonNode openApi) {
        Map<String, List<String>> parameters = new ConcurrentHashMap<>();
        openApi.path("paths").fields().forEachRemaining(path -> {
            List<String> names = new ArrayList<>();
            for (JsonNode parameter : path.getValue().path("get").path("parameters")) {
                if ("query".equals(parameter.path("in").asText())) {
                    names.add(parameter.path("name").asText());
                }
            }
            for (JsonNode parameter : path.getValue().path("parameters")) {
                if ("query".equals(parameter.path("in").asText())) {
                    names.add(parameter.path("name").asText());
                }
            }
            parameters.put(path.getKey(), List.copyOf(names));
        });
        return parameters;
    }

    /** Whether the path declares the filter; empty until a Swagger has been read. */
    public Optional<Boolean> declares(String path, String filter) {
        Map<String, List<String>> known = declared.get();
        return known == null ? Optional.empty() : Optional.of(known.getOrDefault(path, List.of()).contains(filter));
    }

    public List<String> declared(String path) {
        Map<String, List<String>> known = declared.get();
        return known == null ? List.of() : known.getOrDefault(path, List.of());
    }
}
