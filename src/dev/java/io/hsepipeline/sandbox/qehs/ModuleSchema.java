package io.hsepipeline.sandbox.qehs;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A QEHS module's field list, and the check a record's payload must pass: required fields, types (text,
 * longtext, date, datetime, integer, number, boolean, enum, list), lengths, patterns, options; unknown fields
 * are refused too.
 */
final class ModuleSchema {

    private final JsonNode definition;
    private final Map<String, JsonNode> fields = new LinkedHashMap<>();

    ModuleSchema(JsonNode definition) {
        this.definition = definition;
        definition.path("fields").forEach(field -> fields.put(field.path("key").asText(), field));
    }

    JsonNode definition() {
        return definition;
    }

    List<FieldError> check(JsonNode payload) {
        List<FieldError> errors = new ArrayList<>();
        for (JsonNode field : fields.values()) {
            String key = field.path("key").asText();
            JsonNode value = payload.path(key);
            if (value.isMissingNode() || value.isNull()) {
                if (field.path("required").asBoolean()) {
                    errors.add(new FieldError(key, "Is required", "required"));
                }
                continue;
            }
            checkValue(key, field, value, errors);
        }
        for (Iterator<String> names = payload.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.containsKey(name)) {
                errors.add(new FieldError(name, "Is not a field of module " + definition.path("key").asText(),
                        "unknown_field"));
            }
        }
        return errors;
    }

    private static void checkValue(String key, JsonNode field, JsonNode value, List<FieldError> errors) {
        String type = field.path("type").asText();
        switch (type) {
            case "text", "longtext" -> {
                if (!value.isTextual()) {
                    errors.add(new FieldError(key, "Must be a string", "type"));
                } else {
                    checkText(key, field, value.asText(), "maxLength", "pattern", errors);
                }
            }
            case "date" -> {
                if (!value.isTextual() || !parses(() -> LocalDate.parse(value.asText()))) {
                    errors.add(new FieldError(key, "Must be a date (YYYY-MM-DD)", "format"));
                }
            }
            case "datetime" -> {
                if (!value.isTextual() || !parses(() -> OffsetDateTime.parse(value.asText()))) {
                    errors.add(new FieldError(key, "Must be an ISO 8601 date-time with time zone", "format"));
                }
            }
            case "integer", "number" -> {
                boolean ok = type.equals("integer") ? value.isIntegralNumber() : value.isNumber();
                if (!ok) {
                    errors.add(new FieldError(key, "Must be " + (type.equals("integer") ? "an integer" : "a number"), "type"));
                } else if (field.has("min") && value.asDouble() < field.get("min").asDouble()) {
                    errors.add(new FieldError(key, "Must be at least " + field.get("min").asText(), "min"));
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    errors.add(new FieldError(key, "Must be true or false", "type"));
                }
            }
            case "enum" -> {
                List<String> options = new ArrayList<>();
                field.path("options").forEach(o -> options.add(o.asText()));
                if (!value.isTextual() || !options.contains(value.asText())) {
                    errors.add(new FieldError(key, "Must be one of: " + String.join(", ", options), "enum"));
                }
            }
            case "list" -> {
                if (!value.isArray()) {
                    errors.add(new FieldError(key, "Must be a list", "type"));
                    return;
                }
                if (value.size() < field.path("minItems").asInt(0)) {
                    errors.add(new FieldError(key, "Needs at least " + field.path("minItems").asInt() + " item(s)", "min_items"));
                }
                for (int i = 0; i < value.size(); i++) {
                    JsonNode item = value.get(i);
                    if (!item.isTextual()) {
                        errors.add(new FieldError(key + "[" + i + "]", "Must be a string", "type"));
                    } else {
                        checkText(key + "[" + i + "]", field, item.asText(), "itemMaxLength", "itemPattern", errors);
                    }
                }
            }
            default -> throw new IllegalStateException("module field " + key + " has unknown type " + type);
        }
    }

    private static void checkText(String path, JsonNode field, String text, String lengthKey, String patternKey,
                                  List<FieldError> errors) {
        if (field.has(lengthKey) && text.length() > field.get(lengthKey).asInt()) {
            errors.add(new FieldError(path, "Must be at most " + field.get(lengthKey).asInt() + " characters", "max_length"));
        }
        if (field.has(patternKey) && !text.matches(field.get(patternKey).asText())) {
            errors.add(new FieldError(path, "Must match " + field.get(patternKey).asText(), "pattern"));
        }
    }

    private static boolean parses(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
