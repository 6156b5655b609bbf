package io.hsepipeline.sandbox.contract;

import com.atlassian.oai.validator.interaction.request.CustomRequestValidator;
import com.atlassian.oai.validator.model.ApiOperation;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.ValidationReport;
import io.hsepipeline.sandbox.http.BadRequestException;
import io.hsepipeline.sandbox.http.MultipartForm;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Checks multipart/form-data bodies, which the validator library leaves unchecked: required parts, enums, integers. */
final class MultipartFormContract implements CustomRequestValidator {

    private static final String MULTIPART = "multipart/form-data";

    @Override
    public ValidationReport validate(Request request, ApiOperation operation) {
        String contentType = request.getContentType().orElse("");
        var body = operation.getOperation().getRequestBody();
        if (!contentType.toLowerCase(Locale.ROOT).startsWith(MULTIPART) || body == null || body.getContent() == null) {
            return ValidationReport.empty();
        }
        MediaType mediaType = body.getContent().get(MULTIPART);
        if (mediaType == null || mediaType.getSchema() == null) {
            return ValidationReport.empty();
        }
        MultipartForm form;
        try {
            form = MultipartForm.parse(contentType, bytes(request));
        } catch (BadRequestException e) {
            return error("validation.request.body.multipart.malformed", e.getMessage());
        }
        return check(mediaType.getSchema(), form);
    }

    private static ValidationReport check(Schema<?> schema, MultipartForm form) {
        List<ValidationReport.Message> messages = new ArrayList<>();
        if (schema.getRequired() != null) {
            for (String name : schema.getRequired()) {
                if (form.part(name).isEmpty()) {
                    messages.add(message("validation.request.body.schema.required",
                            "Object has missing required properties ([\"" + name + "\"])"));
                }
            }
        }
        Map<String, Schema> properties = schema.getProperties() == null ? Map.of() : schema.getProperties();
        properties.forEach((name, property) -> form.field(name).ifPresent(value -> {
            boolean binary = "binary".equals(property.getFormat());
            if (!binary && "integer".equals(property.getType()) && !value.trim().matches("-?\\d+")) {
                messages.add(message("validation.request.body.schema.type",
                        "[Path '/" + name + "'] '" + value + "' is not an integer"));
            }
            if (!binary && property.getEnum() != null
                    && property.getEnum().stream().noneMatch(allowed -> String.valueOf(allowed).equals(value.trim()))) {
                messages.add(message("validation.request.body.schema.enum",
                        "[Path '/" + name + "'] Instance value (\"" + value + "\") not found in enum (possible values: "
                                + property.getEnum() + ")"));
            }
        }));
        return ValidationReport.from(messages);
    }

    private static byte[] bytes(Request request) {
        // ISO-8859-1 maps every byte to one char, so the body's bytes survive the library's String view.
        return request.getRequestBody().map(body -> {
            try {
                return body.toString(StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).orElse(new byte[0]);
    }

    private static ValidationReport error(String key, String text) {
        return ValidationReport.singleton(message(key, text));
    }

    private static ValidationReport.Message message(String key, String text) {
        return ValidationReport.Message.create(key, text).build();
    }
}
