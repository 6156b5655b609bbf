package io.hsepipeline.sandbox.qehs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsepipeline.sandbox.http.ApiResponse;
import io.hsepipeline.sandbox.http.SandboxJson;

import java.util.List;
import java.util.UUID;

/** QEHS errors: RFC 7807 application/problem+json with errorCode, traceId and errors[{path, message, code}]. */
final class Problems {

    static final String CONTENT_TYPE = "application/problem+json";

    private Problems() {
    }

    static ApiResponse problem(int status, String errorCode, String title, String detail, String instance,
                               List<FieldError> errors) {
        ObjectNode body = SandboxJson.object()
                .put("type", "https://qehsethos.com/developers/errors#" + errorCode)
                .put("title", title)
                .put("status", status)
                .put("errorCode", errorCode)
                .put("detail", detail)
                .put("instance", instance)
                .put("traceId", "trace-" + UUID.randomUUID().toString().substring(0, 13));
        ArrayNode list = body.putArray("errors");
        errors.forEach(e -> list.addObject().put("path", e.path()).put("message", e.message()).put("code", e.code()));
        return ApiResponse.json(status, CONTENT_TYPE, body);
    }
}
