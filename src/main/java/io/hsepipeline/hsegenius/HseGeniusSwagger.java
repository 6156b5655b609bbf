package io.hsepipeline.hsegenius;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What HSE Genius's live Swagger (OpenAPI JSON at HSEGENIUS_SWAGGER_PATH) declares: the query parameters of its
 * list endpoints, which are the filter names it honours (django-filter ignores any other name). Preflight reads
 * them all; the batch run reads those of GET /api/files/imported/ with mappings/hsegenius-swagger-filters.jsonata.
 */
public final class HseGeniusSwagger {

    public static final String IMPORTED = "/api/files/imported/";
    public static final String HP_FINDER = "/api/files/hp-finder/";

    private HseGeniusSwagger() {
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
}
