package io.hsepipeline.qehs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;

import io.hsepipeline.delivery.Deliveries;
import io.hsepipeline.failure.ServiceFailure;

/**
 * QEHS module schemas ({@code GET /api/v1/modules/{key}}), read once per module, and the check of a mapped
 * payload against one before it is sent: a mapping error is then reported field by field, as a mapping error.
 */
@Component("qehsModules")
public class QehsModules {

    private final Map<String, JsonNode> modules = new ConcurrentHashMap<>();

    /** The module's schema, once remembered; else null. */
    public JsonNode schema(String moduleKey) {
        return modules.get(moduleKey);
    }

    public void remember(String moduleKey, JsonNode module) {
        modules.put(moduleKey, module);
    }

    /** Refuses a payload the module would refuse, naming every field and what is wrong with it. */
    public void check(String moduleKey, JsonNode payload) {
        JsonNode module = modules.get(moduleKey);
        List<String> problems = problems(module, payload);
        if (!problems.isEmpty()) {
            throw new ServiceFailure(Deliveries.QEHS, "mapping-invalid", "The mapped payload does not fit QEHS module '"
                    + moduleKey + "' (version " + module.path("version").asText("?") + "): " + String.join("; ", problems),
                    "Fix the mapping (routes/mappings/qehs-record.jsonata) or the module setting, then replay the dead letter.");
        }
    }

    public static List<String> problems(JsonNode module, JsonNode payload) {
        List<String> problems = new ArrayList<>();
        if (!payload.isObject()) {
            return List.of("payload: must be an object");
        }
        Set<String> known = new HashSet<>();
        for (JsonNode field : module.path("fields")) {
            String key = field.path("key").asText();
            known.add(key);
            JsonNode value = payload.path(key);
            if (value.isMissingNode() || value.isNull()) {
                if (field.path("required").asBoolean(false)) {
                    problems.add(key + ": is required");
                }
            } else {
                problems.addAll(fieldProblems(key, field, value));
            }
        }
        payload.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                problems.add(name + ": is not a field of the module");
            }
        });
        return problems;
    }

    private static List<String> fieldProblems(String key, JsonNode field, JsonNode value) {
        List<String> problems = new ArrayList<>();
        switch (field.path("type").asText()) {
            case "text", "longtext" -> text(key, value, field.path("maxLength"), field.path("pattern"), problems);
            case "date", "datetime" -> {
                if (!value.isTextual()) {
                    problems.add(key + ": must be a " + field.path("type").asText() + " string");
                }
            }
            case "integer" -> number(key, field, value, value.isIntegralNumber(), problems);
            case "number" -> number(key, field, value, value.isNumber(), problems);
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(key + ": must be true or false");
                }
            }
            case "enum" -> {
                List<String> options = new ArrayList<>();
                field.path("options").forEach(option -> options.add(option.asText()));
                if (!value.isTextual() || !options.contains(value.asText())) {
                    problems.add(key + ": must be one of " + options + ", is " + value);
                }
            }
            case "list" -> {
                if (!value.isArray()) {
                    problems.add(key + ": must be a list");
                    break;
                }
                int minItems = field.path("minItems").asInt(0);
                if (value.size() < minItems) {
                    problems.add(key + ": needs at least " + minItems + " item(s), has " + value.size());
                }
                for (int i = 0; i < value.size(); i++) {
                    text(key + "[" + i + "]", value.get(i), field.path("itemMaxLength"), field.path("itemPattern"), problems);
                }
            }
            default -> {
                // a field type this check does not know: QEHS itself will judge it
            }
        }
        return problems;
    }

    private static void text(String path, JsonNode value, JsonNode maxLength, JsonNode pattern, List<String> problems) {
        if (!value.isTextual()) {
            problems.add(path + ": must be text, is " + value);
            return;
        }
        if (maxLength.isNumber() && value.asText().length() > maxLength.asInt()) {
            problems.add(path + ": longer than " + maxLength.asInt() + " characters");
        }
        if (pattern.isTextual() && !Pattern.compile(pattern.asText()).matcher(value.asText()).find()) {
            problems.add(path + ": '" + value.asText() + "' does not match " + pattern.asText());
        }
    }

    private static void number(String key, JsonNode field, JsonNode value, boolean rightType, List<String> problems) {
        if (!rightType) {
            problems.add(key + ": must be " + (field.path("type").asText().equals("integer") ? "an integer" : "a number"));
        } else if (field.path("min").isNumber() && value.asDouble() < field.path("min").asDouble()) {
            problems.add(key + ": must be at least " + field.path("min").asText());
        }
    }
}
