package io.hsepipeline.sandbox.fourhse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hsepipeline.sandbox.http.ApiResponse;
import io.hsepipeline.sandbox.http.SandboxJson;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A 4HSE index request {filter, per-page, page, sort} over a list, answered the Yii2 way: an array with
 * X-Pagination-* headers. A filter value is matched exactly, or with an operator object {like|in|neq: ...};
 * an attribute the resource does not have is refused with 422.
 */
final class IndexQuery {

    private static final int MAX_PER_PAGE = 100;

    private IndexQuery() {
    }

    static ApiResponse answer(JsonNode body, List<? extends JsonNode> items, Set<String> attributes) {
        JsonNode filter = body.path("filter");
        List<JsonNode> matching = new ArrayList<>();
        for (Iterator<String> names = filter.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!attributes.contains(name)) {
                return YiiErrors.unprocessable("filter", "Unknown filter attribute \"" + name + "\"");
            }
        }
        for (JsonNode item : items) {
            if (matches(item, filter)) {
                matching.add(item);
            }
        }
        String sort = body.path("sort").asText("");
        String sortField = sort.replaceFirst("^-", "");
        if (!sortField.isEmpty() && attributes.contains(sortField)) {
            Comparator<JsonNode> order = Comparator.comparing(n -> n.path(sortField).asText());
            matching.sort(sort.startsWith("-") ? order.reversed() : order);
        }
        int perPage = Math.min(MAX_PER_PAGE, Math.max(1, body.path("per-page").asInt(MAX_PER_PAGE)));
        int pageCount = Math.max(1, (matching.size() + perPage - 1) / perPage);
        int page = Math.min(pageCount, Math.max(1, body.path("page").asInt(1)));
        ArrayNode result = SandboxJson.array();
        matching.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(result::add);
        return ApiResponse.json(200, result)
                .header("X-Pagination-Current-Page", Integer.toString(page))
                .header("X-Pagination-Page-Count", Integer.toString(pageCount))
                .header("X-Pagination-Per-Page", Integer.toString(perPage))
                .header("X-Pagination-Total-Count", Integer.toString(matching.size()));
    }

    private static boolean matches(JsonNode item, JsonNode filter) {
        for (Iterator<Map.Entry<String, JsonNode>> it = filter.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> condition = it.next();
            String actual = item.path(condition.getKey()).asText();
            JsonNode wanted = condition.getValue();
            boolean ok;
            if (wanted.isObject() && wanted.has("like")) {
                ok = actual.toLowerCase(Locale.ROOT).contains(wanted.get("like").asText().toLowerCase(Locale.ROOT));
            } else if (wanted.isObject() && wanted.has("in")) {
                ok = false;
                for (JsonNode option : wanted.get("in")) {
                    ok |= option.asText().equals(actual);
                }
            } else if (wanted.isObject() && wanted.has("neq")) {
                ok = !wanted.get("neq").asText().equals(actual);
            } else {
                ok = wanted.asText().equals(actual);
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
