package io.hsepipeline.sandbox.fourhse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsepipeline.sandbox.DefaultCredentials;
import io.hsepipeline.sandbox.SandboxSettings;
import io.hsepipeline.sandbox.auth.IssuedToken;
import io.hsepipeline.sandbox.auth.TokenIssuer;
import io.hsepipeline.sandbox.contract.ContractViolation;
import io.hsepipeline.sandbox.fault.RuntimeKnobs;
import io.hsepipeline.sandbox.http.ApiRequest;
import io.hsepipeline.sandbox.http.ApiResponse;
import io.hsepipeline.sandbox.http.MultipartForm;
import io.hsepipeline.sandbox.http.Routes;
import io.hsepipeline.sandbox.http.SandboxJson;
import io.hsepipeline.sandbox.ratelimit.RateDecision;
import io.hsepipeline.sandbox.ratelimit.ResetHeaderFormat;
import io.hsepipeline.sandbox.server.ServiceApi;
import io.hsepipeline.sandbox.store.EntityStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * 4HSE API v2 stand-in with its Keycloak token endpoint: password and refresh grants or an API key in the
 * access-token query parameter; project and certificate index, certificate create and view (a client-chosen
 * certificate_id is kept, a taken one refused with 422), certificate-action, attachment and entity-attachment.
 */
public final class FourHseApi implements ServiceApi {

    private static final String TOKEN_PATH = "/realms/" + DefaultCredentials.FOURHSE_REALM + "/protocol/openid-connect/token";
    private static final Duration REFRESH_LIFETIME = Duration.ofMinutes(30);
    /** 4HSE's 20 MiB; SANDBOX_FOURHSE_MAX_ATTACHMENT_MB raises it for make bench's large-PDF run. */
    private static final long MAX_ATTACHMENT_BYTES = Long.parseLong(System.getProperty("SANDBOX_FOURHSE_MAX_ATTACHMENT_MB",
            System.getenv().getOrDefault("SANDBOX_FOURHSE_MAX_ATTACHMENT_MB", "20"))) * 1024 * 1024;
    private static final Set<String> PROJECT_ATTRIBUTES = Set.of("project_id", "name", "description", "country",
            "status", "project_type", "npeople", "subscription_id", "customer_id", "partner_id", "created_at", "updated_at");
    private static final Set<String> CERTIFICATE_ATTRIBUTES = Set.of("certificate_id", "date_release", "date_expire",
            "name", "note", "action_type", "resource_id", "resource_type", "resource_name", "warning", "tenant_id",
            "subtenant_id", "subtenant_type", "validity_unit", "validity", "project_name");
    private static final Set<String> PERSON_ATTRIBUTES = Set.of("person_id", "code", "first_name", "last_name",
            "tax_code", "project_id");

    private final RuntimeKnobs knobs;
    private final TokenIssuer tokens = new TokenIssuer();
    private final List<ObjectNode> projects;
    private final EntityStore certificates = new EntityStore();
    private final EntityStore certificateActions = new EntityStore();
    private final EntityStore attachments = new EntityStore();
    private final EntityStore entityAttachments = new EntityStore();

    public FourHseApi(RuntimeKnobs knobs) {
        this.knobs = knobs;
        this.projects = SandboxJson.mapper().convertValue(SandboxJson.resource("/sandbox/fourhse-projects.json"),
                SandboxJson.mapper().getTypeFactory().constructCollectionType(List.class, ObjectNode.class));
    }

    @Override
    public String name() {
        return SandboxSettings.FOURHSE;
    }

    @Override
    public String contractFile() {
        return "4hse-v2-openapi.reconstructed.yaml";
    }

    @Override
    public Routes routes() {
        return new Routes()
                .post(TOKEN_PATH, this::token)
                .post("/v2/project/index", r -> IndexQuery.answer(r.jsonOrEmpty(), projects, PROJECT_ATTRIBUTES))
                .post("/v2/person/index", r -> IndexQuery.answer(r.jsonOrEmpty(), List.of(), PERSON_ATTRIBUTES))
                .post("/v2/certificate/index", r -> IndexQuery.answer(r.jsonOrEmpty(),
                        certificates.all(), CERTIFICATE_ATTRIBUTES))
                .post("/v2/certificate/create", this::createCertificate)
                .get("/v2/certificate/view/{id}", this::viewCertificate)
                .post("/v2/certificate-action/create", this::createCertificateAction)
                .post("/v2/attachment/create", this::createAttachment)
                .post("/v2/entity-attachment/create", this::createEntityAttachment);
    }

    private ApiResponse token(ApiRequest request) {
        Map<String, String> form = request.form();
        if (!DefaultCredentials.FOURHSE_CLIENT_ID.equals(form.get("client_id"))) {
            return oauthError(401, "invalid_client", "Invalid client or Invalid client credentials");
        }
        String user;
        if ("password".equals(form.get("grant_type"))) {
            if (!DefaultCredentials.FOURHSE_USERNAME.equals(form.get("username"))
                    || !DefaultCredentials.FOURHSE_PASSWORD.equals(form.get("password"))) {
                return oauthError(401, "invalid_grant", "Invalid user credentials");
            }
            user = form.get("username");
        } else {
            IssuedToken refresh = tokens.valid(form.get("refresh_token"), "refresh", Instant.now()).orElse(null);
            if (refresh == null) {
                return oauthError(400, "invalid_grant", "Invalid refresh token");
            }
            user = refresh.subject();
        }
        Duration lifetime = knobs.settings().tokenLifetime();
        Duration refreshLifetime = REFRESH_LIFETIME.compareTo(lifetime.multipliedBy(2)) > 0
                ? REFRESH_LIFETIME : lifetime.multipliedBy(2);
        Map<String, Object> claims = Map.of("typ", "Bearer", "azp", DefaultCredentials.FOURHSE_CLIENT_ID,
                "preferred_username", user, "iss", "sandbox/realms/" + DefaultCredentials.FOURHSE_REALM);
        IssuedToken access = tokens.issueJwt(user, "access", lifetime, claims);
        IssuedToken refresh = tokens.issueJwt(user, "refresh", refreshLifetime, Map.of("typ", "Refresh"));
        return ApiResponse.json(200, SandboxJson.object()
                .put("access_token", access.value())
                .put("expires_in", lifetime.toSeconds())
                .put("refresh_expires_in", refreshLifetime.toSeconds())
                .put("refresh_token", refresh.value())
                .put("token_type", "Bearer")
                .put("not-before-policy", 0)
                .put("session_state", UUID.randomUUID().toString())
                .put("scope", "openid profile email"))
                .header("Cache-Control", "no-store").header("Pragma", "no-cache");
    }

    private ApiResponse createCertificate(ApiRequest request) {
        JsonNode body = request.json();
        String tenant = body.path("tenant_id").asText("");
        if (tenant.isEmpty()) {
            return YiiErrors.unprocessable("tenant_id", "Tenant ID cannot be blank.");
        }
        ObjectNode project = activeProject(tenant);
        if (project == null) {
            return YiiErrors.unprocessable("tenant_id", "Tenant ID is invalid.");
        }
        String id = body.hasNonNull("certificate_id") ? body.get("certificate_id").asText() : UUID.randomUUID().toString();
        ObjectNode certificate = ((ObjectNode) body.deepCopy()).put("certificate_id", id);
        if (!certificate.has("warning")) {
            certificate.put("warning", 0);
        }
        certificate.put("project_name", project.path("name").asText());
        certificate.put("created_at", Instant.now().toString());
        if (!certificates.putIfAbsent(id, certificate)) {
            return YiiErrors.unprocessable("certificate_id", "Certificate ID \"" + id + "\" has already been taken.");
        }
        return ApiResponse.json(201, certificate);
    }

    private ApiResponse viewCertificate(ApiRequest request) {
        String id = request.pathParam("id");
        return certificates.get(id).map(c -> ApiResponse.json(200, c))
                .orElseGet(() -> YiiErrors.response(404, "Object not found: " + id));
    }

    private ApiResponse createCertificateAction(ApiRequest request) {
        JsonNode body = request.json();
        String certificateId = body.path("certificate_id").asText();
        String actionId = body.path("action_id").asText();
        ObjectNode certificate = certificates.get(certificateId).orElse(null);
        if (certificate == null) {
            return YiiErrors.unprocessable("certificate_id", "Certificate ID is invalid.");
        }
        if (!certificate.path("tenant_id").asText().equals(body.path("tenant_id").asText())) {
            return YiiErrors.unprocessable("tenant_id", "Tenant ID is invalid.");
        }
        String id = body.hasNonNull("certificate_action_id") ? body.get("certificate_action_id").asText()
                : UUID.randomUUID().toString();
        boolean inherited = !body.hasNonNull("date_expire");
        ObjectNode action = SandboxJson.object()
                .put("certificate_action_id", id)
                .put("certificate_id", certificateId)
                .put("action_id", actionId)
                .put("tenant_id", body.path("tenant_id").asText())
                .put("date_expire", inherited ? certificate.path("date_expire").asText(null) : body.get("date_expire").asText())
                .put("is_date_inherited", inherited ? 1 : 0)
                .put("action_name", "Sandbox action " + actionId.substring(0, Math.min(8, actionId.length())))
                .put("action_code", "SBX-" + actionId.substring(0, Math.min(4, actionId.length())).toUpperCase())
                .put("action_type", certificate.path("action_type").asText())
                .put("resource_id", certificate.path("resource_id").asText())
                .put("certificate_name", certificate.path("name").asText())
                .put("date_release", certificate.path("date_release").asText())
                .put("office_name", "Head office");
        // One link per certificate and action: the pair is the model's unique key.
        if (!certificateActions.putIfAbsent(certificateId + "/" + actionId, action)) {
            return YiiErrors.unprocessable("certificate_id", "The combination \"" + certificateId + "\"-\"" + actionId
                    + "\" of Certificate ID and Action ID has already been taken.");
        }
        return ApiResponse.json(201, action);
    }

    private ApiResponse createAttachment(ApiRequest request) {
        MultipartForm form = request.multipart();
        String path = form.field("path").orElse("").trim();
        if (!path.startsWith("/") || path.endsWith("/") && form.part("file").isPresent()) {
            return YiiErrors.unprocessable("path", "Path is invalid.");
        }
        boolean replace = form.field("replace").map(String::trim).orElse("0").equals("1");
        MultipartForm.Part file = form.part("file").orElse(null);
        if (file != null && file.content().length > MAX_ATTACHMENT_BYTES) {
            return YiiErrors.response(413, "The file is larger than " + MAX_ATTACHMENT_BYTES + " bytes.");
        }
        ObjectNode attachment = SandboxJson.object()
                .put("attachment_id", md5(path))
                .put("attachment_path", path)
                .put("name", path.substring(path.lastIndexOf('/') + 1))
                .put("is_folder", file == null ? 1 : 0)
                .put("size", file == null ? 0 : file.content().length)
                .put("mime_type", file == null ? null : file.contentType())
                .put("sha256", file == null ? null : sha256(file.content()))
                .put("created_at", Instant.now().toString());
        if (replace) {
            attachments.put(path, attachment);
        } else if (!attachments.putIfAbsent(path, attachment)) {
            return YiiErrors.response(409, "Destination path already exists: " + path + ". Send replace=1 to overwrite it.");
        }
        return ApiResponse.json(201, attachment);
    }

    private ApiResponse createEntityAttachment(ApiRequest request) {
        JsonNode body = request.json();
        String path = body.path("attachment_path").asText();
        ObjectNode attachment = attachments.get(path).orElse(null);
        if (attachment == null) {
            return YiiErrors.unprocessable("attachment_path", "Attachment Path is invalid.");
        }
        String entityId = body.path("entity_id").asText();
        if (certificates.get(entityId).isEmpty()) {
            return YiiErrors.unprocessable("entity_id", "Entity ID is invalid.");
        }
        String id = body.hasNonNull("entity_attachment_id") ? body.get("entity_attachment_id").asText()
                : UUID.randomUUID().toString();
        ObjectNode link = SandboxJson.object()
                .put("entity_attachment_id", id)
                .put("entity_id", entityId)
                .put("attachment_id", body.hasNonNull("attachment_id") ? body.get("attachment_id").asText()
                        : attachment.path("attachment_id").asText())
                .put("attachment_path", path);
        if (!entityAttachments.putIfAbsent(id, link)) {
            return YiiErrors.unprocessable("entity_attachment_id",
                    "Entity Attachment ID \"" + id + "\" has already been taken.");
        }
        return ApiResponse.json(201, link);
    }

    private ObjectNode activeProject(String projectId) {
        return projects.stream()
                .filter(p -> p.path("project_id").asText().equals(projectId) && p.path("status").asText().equals("active"))
                .findFirst().orElse(null);
    }

    /** Keycloak's token endpoint takes client and user in the form, so its route checks them. */
    @Override
    public Optional<ApiResponse> refuseCredentials(ApiRequest request) {
        if (request.path().equals(TOKEN_PATH)) {
            return Optional.empty();
        }
        boolean apiKey = DefaultCredentials.FOURHSE_API_KEY.equals(request.queryParam("access-token"));
        boolean bearer = request.bearerToken().flatMap(t -> tokens.valid(t, "access", Instant.now())).isPresent();
        if (!apiKey && !bearer) {
            return Optional.of(YiiErrors.response(401, "Your request was made with invalid credentials.")
                    .header("WWW-Authenticate", "Bearer realm=\"api\""));
        }
        return Optional.empty();
    }


    private static ApiResponse oauthError(int status, String error, String description) {
        return ApiResponse.json(status, SandboxJson.object().put("error", error).put("error_description", description));
    }

    private static String md5(String text) {
        return digest("MD5", text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] content) {
        return digest("SHA-256", content);
    }

    private static String digest(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }

    @Override
    public ApiResponse error(int status, String title, String detail, List<ContractViolation> violations) {
        ObjectNode body = YiiErrors.exception(status, detail);
        if (!violations.isEmpty()) {
            body.set("violations", SandboxJson.tree(violations));
        }
        return ApiResponse.json(status, body);
    }

    @Override
    public ApiResponse rateLimited(RateDecision decision, ResetHeaderFormat format, Instant now) {
        return YiiErrors.response(429, "Rate limit exceeded.");
    }

    @Override
    public void addRateLimitHeaders(ApiResponse response, RateDecision decision, ResetHeaderFormat format, Instant now) {
        response.header("X-Rate-Limit-Limit", Integer.toString(decision.limit()))
                .header("X-Rate-Limit-Remaining", Integer.toString(decision.remaining()))
                .header("X-Rate-Limit-Reset", format.format(decision.resetAt(), now));
    }

    @Override
    public String clientKey(ApiRequest request) {
        if (request.queryParam("access-token") != null) {
            return "api-key";
        }
        return request.bearerToken().flatMap(tokens::find).map(IssuedToken::subject).orElse("anonymous");
    }

    @Override
    public JsonNode entities() {
        ObjectNode entities = SandboxJson.object();
        entities.set("certificates", certificates.toJson());
        entities.set("certificateActions", certificateActions.toJson());
        entities.set("attachments", attachments.toJson());
        entities.set("entityAttachments", entityAttachments.toJson());
        return entities;
    }

    @Override
    public void reset() {
        tokens.clear();
        certificates.clear();
        certificateActions.clear();
        attachments.clear();
        entityAttachments.clear();
    }
}
