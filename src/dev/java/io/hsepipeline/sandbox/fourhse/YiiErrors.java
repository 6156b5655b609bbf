package io.hsepipeline.sandbox.fourhse;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsepipeline.sandbox.http.ApiResponse;
import io.hsepipeline.sandbox.http.SandboxJson;

import java.util.Map;

/**
 * Errors the way a Yii2 REST server words them, which 4HSE is: {name, message, code, status, type} for HTTP
 * exceptions, and 422 with [{field, message}] when a model does not validate (a duplicate key included).
 */
final class YiiErrors {

    private static final Map<Integer, String[]> EXCEPTIONS = Map.of(
            400, new String[] {"Bad Request", "BadRequestHttpException"},
            401, new String[] {"Unauthorized", "UnauthorizedHttpException"},
            404, new String[] {"Not Found", "NotFoundHttpException"},
            405, new String[] {"Method Not Allowed", "MethodNotAllowedHttpException"},
            409, new String[] {"Conflict", "ConflictHttpException"},
            413, new String[] {"Request Entity Too Large", "HttpException"},
            429, new String[] {"Too Many Requests", "TooManyRequestsHttpException"});

    private YiiErrors() {
    }

    static ObjectNode exception(int status, String message) {
        String[] known = EXCEPTIONS.getOrDefault(status, new String[] {"Internal Server Error", "HttpException"});
        return SandboxJson.object()
                .put("name", known[0])
                .put("message", message)
                .put("code", 0)
                .put("status", status)
                .put("type", "yii\\web\\" + known[1]);
    }

    static ApiResponse response(int status, String message) {
        return ApiResponse.json(status, exception(status, message));
    }

    static ApiResponse unprocessable(String field, String message) {
        ArrayNode errors = SandboxJson.array();
        errors.addObject().put("field", field).put("message", message);
        return ApiResponse.json(422, errors);
    }
}
