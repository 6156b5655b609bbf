package io.hsepipeline.sandbox.qehs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsepipeline.sandbox.DefaultCredentials;
import io.hsepipeline.sandbox.SandboxSettings;
import io.hsepipeline.sandbox.contract.ContractViolation;
import io.hsepipeline.sandbox.http.ApiRequest;
import io.hsepipeline.sandbox.http.ApiResponse;
import io.hsepipeline.sandbox.http.Routes;
import io.hsepipeline.sandbox.http.SandboxJson;
import io.hsepipeline.sandbox.ratelimit.RateDecision;
import io.hsepipeline.sandbox.ratelimit.ResetHeaderFormat;
import io.hsepipeline.sandbox.server.ServiceApi;
import io.hsepipeline.sandbox.store.EntityStore;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * QEHS public API v1 stand-in: Bearer API key, module schemas, records checked against their module,
 * Idempotency-Key replays and conflicts, cursor pagination, problem+json errors, X-RateLimit-* on every answer.
 */
public final class QehsApi implements ServiceApi {

    private static final int DEFAULT_PAGE = 50;

    private final Map<String, ModuleSchema> modules = new LinkedHashMap<>();
    private final RecordIds ids = new RecordIds();
    private final EntityStore records = new EntityStore();
    private final EntityStore attachments = new EntityStore();
    private final IdempotencyStore idempotency = new IdempotencyStore();

    public QehsApi() {
        SandboxJson.resource("/sandbox/qehs-modules.json")
                .forEach(module -> modules.put(module.path("key").asText(), new ModuleSchema(module)));
    }

    @Override
    public String name() {
        return SandboxSettings.QEHS;
    }

    @Override
    public String contractFile() {
        return "qehs-v1-openapi.reconstructed.yaml";
    }

    @Override
    public Routes routes() {
        return new Routes()
                .get("/api/v1/records", this::listRecords)
                .post("/api/v1/records", this::createRecord)
                .get("/api/v1/records/{id}", this::getRecord)
                .post("/api/v1/attachments", this::requestUploadUrl)
                .get("/api/v1/modules/{moduleKey}", this::getModule);
    }

    private ApiResponse getModule(ApiRequest request) {
        ModuleSchema module = modules.get(request.pathParam("moduleKey"));
        return module == null ? notFound("module_not_found", "No module " + request.pathParam("moduleKey"), request)
                : ApiResponse.json(200, module.definition());
    }

    private ApiResponse createRecord(ApiRequest request) {
        JsonNode body = request.json();
        String key = request.header("idempotency-key");
        if (key == null) {
            return create(body, request);
        }
        IdempotencyStore.Result result = idempotency.handle(clientKey(request), key, body, () -> create(body, request));
        return switch (result.outcome()) {
            case FRESH -> result.response();
            case REPLAYED -> result.response().copy().header("Idempotency-Replayed", "true");
            case CONFLICT -> Problems.problem(409, "idempotency_conflict", "Idempotency key reused",
                    "Idempotency-Key " + key + " was already used with a different request body.", request.path(),
                    List.of(new FieldError("Idempotency-Key", "Already used with another body", "idempotency_conflict")));
        };
    }

    private ApiResponse create(JsonNode body, ApiRequest request) {
        String moduleKey = body.path("moduleKey").asText();
        ModuleSchema module = modules.get(moduleKey);
        if (module == null) {
            return validationFailed(List.of(new FieldError("moduleKey", "No module " + moduleKey, "unknown_module")), request);
        }
        List<FieldError> errors = module.check(body.path("payload"));
        if (!errors.isEmpty()) {
            return validationFailed(errors, request);
        }
        String id = ids.next();
        String now = Instant.now().toString();
        ObjectNode record = SandboxJson.object().put("id", id).put("moduleKey", moduleKey).put("createdAt", now)
                .put("state", module.definition().path("workflow").path("initial").asText());
        record.set("payload", body.path("payload"));
        record.putArray("activity").addObject().put("at", now).put("type", "created").put("by", "api");
        record.putArray("attachments");
        records.put(id, record);
        return ApiResponse.json(201, SandboxJson.object().put("id", id).put("moduleKey", moduleKey).put("createdAt", now))
                .header("Location", "/api/v1/records/" + id);
    }

    private ApiResponse getRecord(ApiRequest request) {
        String id = request.pathParam("id");
        return records.get(id).map(r -> ApiResponse.json(200, r))
                .orElseGet(() -> notFound("not_found", "No record " + id, request));
    }

    private ApiResponse listRecords(ApiRequest request) {
        String moduleKey = request.queryParam("moduleKey");
        int limit = request.queryParam("limit") == null ? DEFAULT_PAGE : Integer.parseInt(request.queryParam("limit"));
        Instant from = request.queryParam("from") == null ? Instant.MIN : OffsetDateTime.parse(request.queryParam("from")).toInstant();
        Instant to = request.queryParam("to") == null ? Instant.MAX : OffsetDateTime.parse(request.queryParam("to")).toInstant();
        List<ObjectNode> matching = records.all().stream()
                .filter(r -> r.path("moduleKey").asText().equals(moduleKey))
                .filter(r -> {
                    Instant created = Instant.parse(r.path("createdAt").asText());
                    return !created.isBefore(from) && created.isBefore(to);
                }).toList();
        int start = 0;
        String cursor = request.queryParam("cursor");
        if (cursor != null) {
            String after = decodeCursor(cursor);
            int position = after == null ? -1
                    : matching.stream().map(r -> r.path("id").asText()).toList().indexOf(after);
            if (position < 0) {
                return Problems.problem(400, "invalid_cursor", "Invalid cursor",
                        "The cursor is malformed or does not belong to this listing.", request.path(),
                        List.of(new FieldError("cursor", "Unknown cursor", "invalid_cursor")));
            }
            start = position + 1;
        }
        List<ObjectNode> page = matching.subList(start, Math.min(matching.size(), start + limit));
        ObjectNode body = SandboxJson.object();
        ArrayNode items = body.putArray("items");
        page.forEach(items::add);
        boolean more = start + page.size() < matching.size();
        body.put("nextCursor", more ? encodeCursor(page.get(page.size() - 1).path("id").asText()) : null);
        return ApiResponse.json(200, body);
    }

    private ApiResponse requestUploadUrl(ApiRequest request) {
        JsonNode body = request.json();
        String recordId = body.path("recordId").asText();
        if (records.get(recordId).isEmpty()) {
            return validationFailed(List.of(new FieldError("recordId", "No record " + recordId, "not_found")), request);
        }
        String id = "att_" + UUID.randomUUID().toString().replace("-", "");
        ObjectNode attachment = SandboxJson.object().put("id", id).put("recordId", recordId)
                .put("filename", body.path("filename").asText()).put("contentType", body.path("contentType").asText())
                // The sandbox keeps no file store: the signed URL is shaped like the real one but goes nowhere.
                .put("uploadUrl", "https://storage.sandbox.qehs.invalid/uploads/" + id + "?signature=sandbox")
                .put("expiresAt", Instant.now().plusSeconds(900).toString());
        attachments.put(id, attachment);
        return ApiResponse.json(201, attachment);
    }

    private static String encodeCursor(String recordId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("after:" + recordId).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            return text.startsWith("after:") ? text.substring(6) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public Optional<ApiResponse> refuseCredentials(ApiRequest request) {
        if (request.bearerToken().map(DefaultCredentials.QEHS_API_KEY::equals).orElse(false)) {
            return Optional.empty();
        }
        return Optional.of(Problems.problem(401, "unauthorized", "Unauthorized",
                "Send a valid API key as Authorization: Bearer <key>.", request.path(), List.of())
                .header("WWW-Authenticate", "Bearer"));
    }

    private static ApiResponse validationFailed(List<FieldError> errors, ApiRequest request) {
        return Problems.problem(400, "validation_failed", "Validation failed", "One or more fields are invalid.",
                request.path(), errors);
    }

    private static ApiResponse notFound(String code, String detail, ApiRequest request) {
        return Problems.problem(404, code, "Not found", detail, request.path(), List.of());
    }

    @Override
    public ApiResponse error(int status, String title, String detail, List<ContractViolation> violations) {
        String code = status == 400 ? "invalid_request" : status == 404 ? "not_found" : status >= 500 ? "internal_error"
                : "http_" + status;
        List<FieldError> errors = violations.stream()
                .map(v -> new FieldError(pointer(v.message()), v.message(), v.key().replaceFirst("^validation\\.request\\.", "")))
                .toList();
        return Problems.problem(status, code, title, detail, null, errors);
    }

    /** The JSON path a schema message names ("[Path '/payload'] ..."), else the request itself. */
    private static String pointer(String message) {
        int start = message.indexOf("[Path '");
        if (start < 0) {
            return "";
        }
        int end = message.indexOf("']", start);
        return message.substring(start + 8, end).replace('/', '.');
    }

    @Override
    public ApiResponse rateLimited(RateDecision decision, ResetHeaderFormat format, Instant now) {
        return Problems.problem(429, "rate_limited", "Too many requests",
                "Rate limit of " + decision.limit() + " requests per " + decision.windowSeconds() + " s exceeded.",
                null, List.of());
    }

    @Override
    public void addRateLimitHeaders(ApiResponse response, RateDecision decision, ResetHeaderFormat format, Instant now) {
        response.header("X-RateLimit-Limit", Integer.toString(decision.limit()))
                .header("X-RateLimit-Remaining", Integer.toString(decision.remaining()))
                .header("X-RateLimit-Reset", format.format(decision.resetAt(), now));
    }

    @Override
    public String clientKey(ApiRequest request) {
        return request.bearerToken().map(key -> "key:" + Integer.toHexString(key.hashCode())).orElse("anonymous");
    }

    @Override
    public JsonNode entities() {
        ObjectNode entities = SandboxJson.object();
        entities.set("records", records.toJson());
        entities.set("attachments", attachments.toJson());
        return entities;
    }

    @Override
    public void reset() {
        records.clear();
        attachments.clear();
        idempotency.clear();
    }
}
