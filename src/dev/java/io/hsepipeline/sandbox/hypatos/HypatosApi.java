package io.hsepipeline.sandbox.hypatos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsepipeline.sandbox.DefaultCredentials;
import io.hsepipeline.sandbox.SandboxSettings;
import io.hsepipeline.sandbox.auth.IssuedToken;
import io.hsepipeline.sandbox.auth.TokenIssuer;
import io.hsepipeline.sandbox.contract.ContractViolation;
import io.hsepipeline.sandbox.fault.RuntimeKnobs;
import io.hsepipeline.sandbox.http.ApiRequest;
import io.hsepipeline.sandbox.http.ApiResponse;
import io.hsepipeline.sandbox.http.Routes;
import io.hsepipeline.sandbox.http.SandboxJson;
import io.hsepipeline.sandbox.ratelimit.RateDecision;
import io.hsepipeline.sandbox.ratelimit.ResetHeaderFormat;
import io.hsepipeline.sandbox.server.ServiceApi;
import io.hsepipeline.sandbox.store.EntityStore;

import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;

/**
 * Hypatos REST API v2 stand-in: client-credentials tokens, raw-bytes file upload, asynchronous processing of a
 * file into a document whose entities come from the PDF text, transfer and reject feedback.
 */
public final class HypatosApi implements ServiceApi {

    private static final String TOKEN_PATH = "/v2/auth/token";
    private static final String SCOPES = "documents.read documents.write files.read files.write";
    private static final int MAX_EXTERNAL_DATA_KEYS = 20;
    private static final int MAX_EXTERNAL_DATA_KEY_LENGTH = 50;

    private final RuntimeKnobs knobs;
    private final TokenIssuer tokens = new TokenIssuer();
    private final HypatosIds ids = new HypatosIds();
    private final Map<String, byte[]> fileContents = new ConcurrentHashMap<>();
    private final EntityStore files = new EntityStore();
    private final EntityStore documents = new EntityStore();
    private final EntityStore feedback = new EntityStore();
    private final DocumentProcessing processing;

    public HypatosApi(RuntimeKnobs knobs, ScheduledExecutorService scheduler) {
        this.knobs = knobs;
        this.processing = new DocumentProcessing(documents, scheduler);
    }

    @Override
    public String name() {
        return SandboxSettings.HYPATOS;
    }

    @Override
    public String contractFile() {
        return "hypatos-v2-openapi.extract.yaml";
    }

    @Override
    public Routes routes() {
        return new Routes()
                .post(TOKEN_PATH, this::token)
                .post("/v2/files", this::uploadFile)
                .get("/v2/files/{id}", this::downloadFile)
                .get("/v2/documents", this::listDocuments)
                .post("/v2/documents/process-file", this::processFile)
                .get("/v2/documents/{id}", this::getDocument)
                .get("/v2/documents/{id}/states", this::getStates)
                .post("/v2/documents/{id}/transfer", this::transfer)
                .post("/v2/documents/{id}/reject", this::reject)
                .post("/v2/documents/{id}/external-data", this::externalData)
                .post("/v2/documents/{id}/external-id", r -> setText(r, "externalId"))
                .post("/v2/documents/{id}/title", r -> setText(r, "title"));
    }

    private ApiResponse token(ApiRequest request) {
        String[] credentials = request.basicCredentials().orElseThrow();
        if (!"client_credentials".equals(request.form().get("grant_type"))) {
            return error(400, "Unsupported grant type", "grant_type must be client_credentials");
        }
        IssuedToken token = tokens.issueOpaque(credentials[0], "access", knobs.settings().tokenLifetime());
        ObjectNode body = SandboxJson.object()
                .put("access_token", token.value())
                .put("expires_in", knobs.settings().tokenLifetime().toSeconds())
                .put("token_type", "Bearer")
                .put("scope", SCOPES);
        return ApiResponse.json(200, body).header("Cache-Control", "no-store").header("Pragma", "no-cache");
    }

    private ApiResponse uploadFile(ApiRequest request) {
        String id = ids.next();
        String filename = request.header("x-hy-filename");
        ObjectNode file = SandboxJson.object()
                .put("id", id)
                .put("filename", filename == null ? "file-" + id + ".pdf" : filename)
                .put("contentType", request.contentType())
                .put("size", request.body().length)
                .put("createdAt", Instant.now().toString())
                .put("createdBy", caller(request));
        fileContents.put(id, request.body());
        files.put(id, file);
        return ApiResponse.json(201, SandboxJson.object().put("id", id));
    }

    private ApiResponse downloadFile(ApiRequest request) {
        String id = request.pathParam("id");
        byte[] content = fileContents.get(id);
        return files.get(id)
                .filter(f -> content != null)
                .map(f -> ApiResponse.bytes(200, f.path("contentType").asText(), content)
                        .header("X-Hy-Filename", f.path("filename").asText()))
                .orElseGet(() -> error(404, "File not found", "File with given identifier does not exist"));
    }

    private ApiResponse processFile(ApiRequest request) {
        JsonNode body = request.json();
        String fileId = body.path("fileId").asText();
        String projectId = body.path("projectId").asText();
        ObjectNode file = files.get(fileId).orElse(null);
        if (file == null || !fileContents.containsKey(fileId)) {
            return error(404, "File not found", "File with given identifier does not exist");
        }
        if (!projectId.equals(DefaultCredentials.HYPATOS_PROJECT_ID)) {
            return error(400, "Provided project identifier is invalid",
                    "Project " + projectId + " does not exist for this client");
        }
        String documentId = ids.next();
        String now = Instant.now().toString();
        ObjectNode document = SandboxJson.object()
                .put("id", documentId)
                .put("title", file.path("filename").asText())
                .put("state", "new")
                .put("projectId", projectId)
                .put("fileId", fileId)
                .put("createdAt", now)
                .put("createdBy", caller(request))
                .put("updatedAt", now)
                .put("updatedBy", caller(request))
                .put("url", "https://studio.sandbox.hypatos.local/documents/" + documentId);
        document.putArray("files").addObject().put("id", fileId).put("type", "main").put("mainFile", true);
        if (body.hasNonNull("externalId")) {
            document.put("externalId", body.get("externalId").asText());
        }
        document.set("externalData", flatExternalData(body.path("externalData")));
        document.putArray("_states").addObject().put("state", "new").put("updatedAt", now);
        documents.put(documentId, document);
        processing.start(documentId, fileContents.get(fileId), knobs.settings().processingDelay());
        return ApiResponse.json(202, SandboxJson.object()
                .put("documentId", documentId).put("fileId", fileId).put("projectId", projectId));
    }

    private ApiResponse getDocument(ApiRequest request) {
        return documents.get(request.pathParam("id"))
                .map(doc -> ApiResponse.json(200, EntityStore.publicView(doc)))
                .orElseGet(this::documentNotFound);
    }

    private ApiResponse getStates(ApiRequest request) {
        return documents.get(request.pathParam("id"))
                .map(doc -> ApiResponse.json(200, doc.get("_states")))
                .orElseGet(this::documentNotFound);
    }

    private ApiResponse listDocuments(ApiRequest request) {
        List<String> projects = request.queryParams("projectId");
        List<String> states = request.queryParams("state");
        String fileId = request.queryParam("fileId");
        Predicate<ObjectNode> wanted = doc -> (projects.isEmpty() || projects.contains(doc.path("projectId").asText()))
                && (states.isEmpty() || states.contains(doc.path("state").asText()))
                && (fileId == null || containsFile(doc, fileId));
        String sort = request.queryParam("sort") == null ? "-createdAt" : request.queryParam("sort");
        Comparator<ObjectNode> order = Comparator.comparing(doc -> doc.path(sort.replaceFirst("^[-+]", "")).asText());
        List<ObjectNode> matching = documents.all().stream().filter(wanted)
                .sorted(sort.startsWith("-") ? order.reversed() : order).toList();
        int offset = request.queryParam("offset") == null ? 0 : Integer.parseInt(request.queryParam("offset"));
        int limit = request.queryParam("limit") == null ? 20 : Integer.parseInt(request.queryParam("limit"));
        ArrayNode data = SandboxJson.array();
        matching.stream().skip(offset).limit(limit).forEach(doc -> data.add(EntityStore.publicView(doc)));
        ObjectNode page = SandboxJson.object();
        page.set("data", data);
        page.put("limit", limit).put("offset", offset).put("totalCount", matching.size());
        return ApiResponse.json(200, page);
    }

    private ApiResponse transfer(ApiRequest request) {
        JsonNode body = request.json();
        boolean successful = body.path("successful").asBoolean();
        return feedback(request, successful ? "transferred" : "transferFailed", "transfer", body);
    }

    private ApiResponse reject(ApiRequest request) {
        return feedback(request, "rejected", "reject", request.jsonOrEmpty());
    }

    /** Transfer and reject are accepted once processing is over; both are recorded for inspection. */
    private ApiResponse feedback(ApiRequest request, String state, String kind, JsonNode body) {
        String id = request.pathParam("id");
        ObjectNode document = documents.get(id).orElse(null);
        if (document == null) {
            return documentNotFound();
        }
        if (DocumentProcessing.IN_FLIGHT.contains(document.path("state").asText())) {
            return error(400, "Document is still processing",
                    "The document " + id + " is " + document.path("state").asText() + "; wait for a final state");
        }
        documents.update(id, doc -> processing.changeState(doc, state, caller(request)));
        ObjectNode entry = SandboxJson.object().put("documentId", id).put("kind", kind)
                .put("at", Instant.now().toString()).put("by", caller(request));
        entry.set("body", body);
        feedback.put(UUID.randomUUID().toString(), entry);
        return ApiResponse.empty(202);
    }

    private ApiResponse externalData(ApiRequest request) {
        JsonNode body = request.json();
        return documents.update(request.pathParam("id"), doc -> doc.set("externalData", flatExternalData(body)))
                .map(doc -> ApiResponse.empty(202))
                .orElseGet(this::documentNotFound);
    }

    private ApiResponse setText(ApiRequest request, String field) {
        String value = request.text().trim();
        return documents.update(request.pathParam("id"), doc -> doc.put(field, value))
                .map(doc -> ApiResponse.empty(202))
                .orElseGet(this::documentNotFound);
    }

    /** Hypatos keeps at most 20 flat keys of at most 50 characters and drops the rest. */
    private static ObjectNode flatExternalData(JsonNode data) {
        ObjectNode kept = SandboxJson.object();
        if (!data.isObject()) {
            return kept;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext() && kept.size() < MAX_EXTERNAL_DATA_KEYS; ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().length() <= MAX_EXTERNAL_DATA_KEY_LENGTH && entry.getValue().isValueNode()) {
                kept.set(entry.getKey(), entry.getValue());
            }
        }
        return kept;
    }

    private static boolean containsFile(ObjectNode document, String fileId) {
        if (document.path("fileId").asText().equals(fileId)) {
            return true;
        }
        for (JsonNode file : document.path("files")) {
            if (file.path("id").asText().equals(fileId)) {
                return true;
            }
        }
        return false;
    }

    /** The token endpoint takes the client's id and secret as HTTP Basic (the contract's Basic scheme), the rest a token. */
    @Override
    public Optional<ApiResponse> refuseCredentials(ApiRequest request) {
        if (request.path().equals(TOKEN_PATH)) {
            boolean valid = request.basicCredentials()
                    .filter(c -> c[0].equals(DefaultCredentials.HYPATOS_CLIENT_ID)
                            && c[1].equals(DefaultCredentials.HYPATOS_CLIENT_SECRET))
                    .isPresent();
            return valid ? Optional.empty() : Optional.of(error(401, "Invalid client credentials",
                    "The provided client credentials are not valid").header("WWW-Authenticate", "Basic realm=\"hypatos\""));
        }
        if (request.bearerToken().isEmpty()) {
            // RFC 6750 3.1: no error code when the request carried no token at all
            return Optional.of(error(401, "Unauthorized", "An access token is required")
                    .header("WWW-Authenticate", "Bearer"));
        }
        if (request.bearerToken().flatMap(t -> tokens.valid(t, "access", Instant.now())).isEmpty()) {
            return Optional.of(error(401, "Unauthorized", "The access token is invalid or has expired")
                    .header("WWW-Authenticate", "Bearer error=\"invalid_token\""));
        }
        return Optional.empty();
    }

    private String caller(ApiRequest request) {
        return request.bearerToken().flatMap(tokens::find).map(IssuedToken::subject).orElse("anonymous");
    }

    private ApiResponse documentNotFound() {
        return error(404, "Document does not exist", "The document with given identifier does not exist");
    }

    private ApiResponse error(int status, String title, String detail) {
        return error(status, title, detail, List.of());
    }

    @Override
    public ApiResponse error(int status, String title, String detail, List<ContractViolation> violations) {
        ObjectNode body = SandboxJson.object().put("title", title).put("detail", detail).put("status", status);
        if (!violations.isEmpty()) {
            body.set("violations", SandboxJson.tree(violations));
        }
        return ApiResponse.json(status, body);
    }

    @Override
    public ApiResponse rateLimited(RateDecision decision, ResetHeaderFormat format, Instant now) {
        return error(429, "Too many requests", "The request quota of the current time window is exhausted");
    }

    @Override
    public void addRateLimitHeaders(ApiResponse response, RateDecision decision, ResetHeaderFormat format, Instant now) {
        response.header("x-ratelimit-limit", decision.limit() + ", " + decision.limit() + ";w=" + decision.windowSeconds())
                .header("x-ratelimit-remaining", Integer.toString(decision.remaining()))
                .header("x-ratelimit-reset", format.format(decision.resetAt(), now));
    }

    @Override
    public String clientKey(ApiRequest request) {
        return request.bearerToken().flatMap(tokens::find).map(IssuedToken::subject)
                .or(() -> request.basicCredentials().map(c -> c[0]))
                .orElse("anonymous");
    }

    @Override
    public JsonNode entities() {
        ObjectNode entities = SandboxJson.object();
        entities.set("files", files.toJson());
        ArrayNode docs = SandboxJson.array();
        documents.all().forEach(doc -> {
            ObjectNode view = EntityStore.publicView(doc);
            view.set("states", doc.get("_states"));
            docs.add(view);
        });
        entities.set("documents", docs);
        entities.set("feedback", feedback.toJson());
        return entities;
    }

    @Override
    public void reset() {
        tokens.clear();
        fileContents.clear();
        files.clear();
        documents.clear();
        feedback.clear();
    }
}
