package io.hsepipeline.sandbox.hsegenius;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The filters HSE Genius lists and bulk actions take, from a query string or a JSON body: eer_codes (any of a
 * comma-separated list), id (one or a list), upload, title, product_name, status. Others are ignored, as
 * django-filter does, and so are those the honoured predicate refuses (knob undeclaredFilters=ignore).
 */
final class RecordFilter implements Predicate<JsonNode> {

    private final List<String> eerCodes;
    private final List<String> ids;
    private final Map<String, String> exact;

    private RecordFilter(List<String> eerCodes, List<String> ids, Map<String, String> exact) {
        this.eerCodes = eerCodes;
        this.ids = ids;
        this.exact = exact;
    }

    static RecordFilter fromQuery(Map<String, List<String>> query, Predicate<String> honoured) {
        java.util.function.Function<String, List<String>> values =
                name -> honoured.test(name) ? query.getOrDefault(name, List.of()) : List.of();
        List<String> ids = new ArrayList<>();
        values.apply("id").forEach(v -> ids.addAll(split(v)));
        return new RecordFilter(split(first(values.apply("eer_codes"))), ids, Map.of(
                "upload", nonNull(first(values.apply("upload"))),
                "title", nonNull(first(values.apply("title"))),
                "product_name", nonNull(first(values.apply("product_name"))),
                "status", nonNull(first(values.apply("status")))));
    }

    /** Filters from a body: either the object itself or its "filters" member. */
    static RecordFilter fromBody(JsonNode body, Predicate<String> honoured) {
        com.fasterxml.jackson.databind.node.ObjectNode filters = io.hsepipeline.sandbox.http.SandboxJson.object();
        (body.has("filters") ? body.get("filters") : body).fields().forEachRemaining(field -> {
            if (honoured.test(field.getKey().equals("ids") ? "id" : field.getKey())) {
                filters.set(field.getKey(), field.getValue());
            }
        });
        List<String> ids = new ArrayList<>();
        JsonNode id = filters.path("id").isMissingNode() ? filters.path("ids") : filters.path("id");
        if (id.isArray()) {
            id.forEach(v -> ids.add(v.asText()));
        } else if (!id.isMissingNode() && !id.isNull()) {
            ids.addAll(split(id.asText()));
        }
        JsonNode codes = filters.path("eer_codes");
        List<String> eer = new ArrayList<>();
        if (codes.isArray()) {
            codes.forEach(c -> eer.add(c.asText()));
        } else if (codes.isTextual()) {
            eer.addAll(split(codes.asText()));
        }
        return new RecordFilter(eer, ids, Map.of(
                "upload", filters.path("upload").asText(""),
                "title", filters.path("title").asText(""),
                "product_name", filters.path("product_name").asText(""),
                "status", filters.path("status").asText("")));
    }

    @Override
    public boolean test(JsonNode record) {
        if (!ids.isEmpty() && !ids.contains(record.path("id").asText())) {
            return false;
        }
        if (!eerCodes.isEmpty()) {
            boolean any = false;
            for (JsonNode code : record.path("eer_codes")) {
                any |= eerCodes.contains(code.asText());
            }
            if (!any) {
                return false;
            }
        }
        return exact.entrySet().stream()
                .allMatch(e -> e.getValue().isEmpty() || e.getValue().equals(record.path(e.getKey()).asText()));
    }

    static List<String> split(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
