package io.hsepipeline.sandbox.hsegenius;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsepipeline.sandbox.DefaultCredentials;
import io.hsepipeline.sandbox.SandboxSettings;
import io.hsepipeline.sandbox.auth.IssuedToken;
import io.hsepipeline.sandbox.auth.TokenIssuer;
import io.hsepipeline.sandbox.contract.ContractViolation;
import io.hsepipeline.sandbox.fault.RuntimeKnobs;
import io.hsepipeline.sandbox.fault.ServiceFaults;
import io.hsepipeline.sandbox.http.ApiRequest;
import io.hsepipeline.sandbox.http.ApiResponse;
import io.hsepipeline.sandbox.http.MultipartForm;
import io.hsepipeline.sandbox.http.Routes;
import io.hsepipeline.sandbox.http.SandboxJson;
import io.hsepipeline.sandbox.pdf.PdfFacts;
import io.hsepipeline.sandbox.ratelimit.RateDecision;
import io.hsepipeline.sandbox.ratelimit.ResetHeaderFormat;
import io.hsepipeline.sandbox.server.ServiceApi;
import io.hsepipeline.sandbox.store.EntityStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HSE Genius client API stand-in (Django REST Framework with simplejwt, as the docs suggest): upload PDFs,
 * confirm to parse everything in Upload asynchronously, parsed records, validation into HP Finder with HP codes
 * derived from the document, proceed and history, EER codes and customers.
 */
public final class HseGeniusApi implements ServiceApi {

    private static final Duration REFRESH_LIFETIME = Duration.ofDays(1);
    private static final String NO_EER = "no_eer_codes";
    private static final String TOKEN_PATHS = "/api/user/token/";

    private final RuntimeKnobs knobs;
    private final ScheduledExecutorService scheduler;
    private final TokenIssuer tokens = new TokenIssuer();
    private final EerCatalogue catalogue = new EerCatalogue();
    private final JsonNode customers = SandboxJson.resource("/sandbox/hsegenius-customers.json");
    private final JsonNode hazardProperties = SandboxJson.resource("/sandbox/hsegenius-hp.json");
    private final AtomicInteger uploadIds = new AtomicInteger();
    private final AtomicInteger recordIds = new AtomicInteger();
    private final Map<String, byte[]> pdfs = new ConcurrentHashMap<>();
    private final EntityStore uploads = new EntityStore();
    private final EntityStore tasks = new EntityStore();
    private final EntityStore parsed = new EntityStore();
    private final EntityStore validated = new EntityStore();
    private final EntityStore history = new EntityStore();

    public HseGeniusApi(RuntimeKnobs knobs, ScheduledExecutorService scheduler) {
        this.knobs = knobs;
        this.scheduler = scheduler;
    }

    @Override
    public String name() {
        return SandboxSettings.HSEGENIUS;
    }

    @Override
    public String contractFile() {
        return "hsegenius-api-openapi.reconstructed.yaml";
    }

    @Override
    public Routes routes() {
        return new Routes()
                .post("/api/user/token/", this::login)
                .post("/api/user/token/refresh/", this::refresh)
                .get("/api/files/upload/", this::listUploads)
                .post("/api/files/upload/", this::upload)
                .post("/api/files/upload/confirm/", this::confirm)
                .post("/api/files/upload/{id}/eer/", this::addEerToUpload)
                .get("/api/files/imported/", r -> list(parsed, r))
                .post("/api/files/imported/validate-constraint/", this::validateConstraint)
                .post("/api/files/imported/validate/", this::validate)
                .post("/api/files/imported/history/", this::sendToHistory)
                .get("/api/files/imported/{id}/", r -> one(parsed, r))
                .patch("/api/files/imported/{id}/", this::patchParsed)
                .get("/api/files/hp-finder/", r -> list(validated, r))
                .post("/api/files/hp-finder/proceed/", this::proceed)
                .get("/api/files/hp/", this::hazardProperties)
                .get("/api/eer/eer/", r -> ApiResponse.json(200, catalogue.list()))
                .get("/api/customer/", r -> ApiResponse.json(200, customers))
                .get("/api/payment/subscription/", this::subscription)
                .get("/api/docs/", this::swagger);
    }

    /** Filter names honoured now: every one, or (undeclaredFilters=ignore) only those the Swagger declares. */
    private java.util.function.Predicate<String> honoured() {
        ServiceFaults faults = knobs.faults(SandboxSettings.HSEGENIUS);
        if (ServiceFaults.IGNORE.equals(faults.undeclaredFilters())) {
            return faults.declaredFilterNames()::contains;
        }
        return name -> true;
    }

    /** The live Swagger, as OpenAPI JSON: the list endpoints with the filter names declared (knob declaredFilters). */
    private ApiResponse swagger(ApiRequest request) {
        List<String> declared = knobs.faults(SandboxSettings.HSEGENIUS).declaredFilterNames();
        ObjectNode api = SandboxJson.object().put("openapi", "3.0.3");
        api.putObject("info").put("title", "HSE Genius API").put("version", "sandbox");
        ObjectNode paths = api.putObject("paths");
        for (String path : List.of("/api/files/imported/", "/api/files/hp-finder/")) {
            ArrayNode parameters = paths.putObject(path).putObject("get").putArray("parameters");
            for (String name : declared) {
                parameters.addObject().put("name", name).put("in", "query").put("required", false)
                        .putObject("schema").put("type", "string");
            }
        }
        return ApiResponse.json(200, api);
    }

    private ApiResponse login(ApiRequest request) {
        JsonNode body = request.json();
        if (!DefaultCredentials.HSEGENIUS_EMAIL.equalsIgnoreCase(body.path("email").asText())
                || !DefaultCredentials.HSEGENIUS_PASSWORD.equals(body.path("password").asText())) {
            return detail(401, "No active account found with the given credentials");
        }
        String user = DefaultCredentials.HSEGENIUS_EMAIL;
        IssuedToken refresh = tokens.issueJwt(user, "refresh", REFRESH_LIFETIME, claims("refresh"));
        return ApiResponse.json(200, SandboxJson.object()
                .put("refresh", refresh.value())
                .put("access", access(user).value()));
    }

    private ApiResponse refresh(ApiRequest request) {
        return tokens.valid(request.json().path("refresh").asText(), "refresh", Instant.now())
                .map(refresh -> ApiResponse.json(200, SandboxJson.object().put("access", access(refresh.subject()).value())))
                .orElseGet(() -> ApiResponse.json(401, SandboxJson.object()
                        .put("detail", "Token is invalid or expired").put("code", "token_not_valid")));
    }

    private IssuedToken access(String user) {
        return tokens.issueJwt(user, "access", knobs.settings().tokenLifetime(), claims("access"));
    }

    private static Map<String, Object> claims(String type) {
        return Map.of("token_type", type, "user_id", 1);
    }

    private ApiResponse upload(ApiRequest request) {
        MultipartForm form = request.multipart();
        MultipartForm.Part pdf = form.part("pdf").orElseThrow();
        if (pdf.content().length == 0) {
            return fieldError("pdf", "The submitted file is empty.");
        }
        if (!new String(pdf.content(), 0, Math.min(5, pdf.content().length), StandardCharsets.ISO_8859_1).equals("%PDF-")) {
            return fieldError("pdf", "The submitted file is not a PDF.");
        }
        List<String> codes = RecordFilter.split(form.field("eer_codes").orElse(""));
        String unknown = unknownCode(codes);
        if (unknown != null) {
            return fieldError("eer_codes", "\"" + unknown + "\" is not a valid EER code.");
        }
        String id = Integer.toString(uploadIds.incrementAndGet());
        String filename = pdf.filename() == null || pdf.filename().isBlank() ? "upload-" + id + ".pdf" : pdf.filename();
        ObjectNode upload = SandboxJson.object()
                .put("id", Integer.parseInt(id))
                .put("filename", filename)
                .put("title", form.field("title").orElse(filename))
                .put("status", "uploaded")
                .put("created_at", Instant.now().toString());
        upload.set("eer_codes", SandboxJson.tree(codes));
        pdfs.put(id, pdf.content());
        uploads.put(id, upload);
        return ApiResponse.json(201, upload);
    }

    private ApiResponse addEerToUpload(ApiRequest request) {
        List<String> codes = RecordFilter.split(request.json().path("eer_codes").asText());
        String unknown = unknownCode(codes);
        if (unknown != null) {
            return fieldError("eer_codes", "\"" + unknown + "\" is not a valid EER code.");
        }
        return uploads.update(request.pathParam("id"), upload -> addCodes(upload, codes))
                .map(upload -> ApiResponse.json(200, upload))
                .orElseGet(this::notFound);
    }

    /** Confirms everything still in Upload and parses it after the processing delay, like the real Celery task. */
    private ApiResponse confirm(ApiRequest request) {
        List<String> confirmed = new ArrayList<>();
        for (ObjectNode upload : uploads.all()) {
            String id = upload.path("id").asText();
            uploads.update(id, u -> {
                if (u.path("status").asText().equals("uploaded")) {
                    u.put("status", "processing");
                    confirmed.add(id);
                }
            });
        }
        if (confirmed.isEmpty()) {
            return detail(400, "There are no uploaded files to confirm.");
        }
        String taskId = UUID.randomUUID().toString();
        ObjectNode task = SandboxJson.object().put("task_id", taskId).put("status", "PENDING")
                .put("created_at", Instant.now().toString());
        task.set("uploads", SandboxJson.tree(confirmed));
        tasks.put(taskId, task);
        scheduler.schedule(() -> parse(taskId, confirmed), knobs.settings().processingDelay().toMillis(),
                TimeUnit.MILLISECONDS);
        return ApiResponse.json(200, SandboxJson.object().put("task_id", taskId).put("message", "Processing started!"));
    }

    private void parse(String taskId, List<String> uploadIdsToParse) {
        for (String uploadId : uploadIdsToParse) {
            ObjectNode upload = uploads.update(uploadId, u -> u.put("status", "confirmed")).orElse(null);
            byte[] pdf = pdfs.get(uploadId);
            if (upload == null || pdf == null) {
                continue;
            }
            PdfFacts facts = PdfFacts.read(pdf);
            String id = Integer.toString(recordIds.incrementAndGet());
            String now = Instant.now().toString();
            ObjectNode record = SandboxJson.object()
                    .put("id", Integer.parseInt(id))
                    .put("upload", upload.path("id").asInt())
                    .put("filename", upload.path("filename").asText())
                    .put("title", upload.path("title").asText())
                    .put("product_name", facts.product().orElse(upload.path("title").asText()))
                    .put("status", "confirmed")
                    .put("language", "en")
                    .put("created_at", now)
                    .put("updated_at", now);
            record.set("eer_codes", upload.get("eer_codes"));
            record.set("_hp_in_pdf", SandboxJson.tree(facts.hpCodes()));
            parsed.put(id, record);
        }
        tasks.update(taskId, task -> task.put("status", "SUCCESS"));
    }

    private ApiResponse patchParsed(ApiRequest request) {
        JsonNode body = request.json();
        List<String> codes = null;
        if (body.has("eer_codes")) {
            codes = new ArrayList<>();
            if (body.get("eer_codes").isArray()) {
                for (JsonNode code : body.get("eer_codes")) {
                    codes.add(code.asText());
                }
            } else {
                codes.addAll(RecordFilter.split(body.get("eer_codes").asText()));
            }
            String unknown = unknownCode(codes);
            if (unknown != null) {
                return fieldError("eer_codes", "\"" + unknown + "\" is not a valid EER code.");
            }
        }
        List<String> newCodes = codes;
        return parsed.update(request.pathParam("id"), record -> {
            for (String field : List.of("title", "product_name", "language")) {
                if (body.hasNonNull(field)) {
                    record.put(field, body.get(field).asText());
                }
            }
            if (newCodes != null) {
                record.set("eer_codes", SandboxJson.tree(newCodes));
            }
            record.put("updated_at", Instant.now().toString());
        }).map(record -> ApiResponse.json(200, EntityStore.publicView(record))).orElseGet(this::notFound);
    }

    private ApiResponse validateConstraint(ApiRequest request) {
        RecordFilter filter = RecordFilter.fromBody(request.jsonOrEmpty(), honoured());
        ArrayNode results = SandboxJson.array();
        boolean all = true;
        for (ObjectNode record : parsed.all()) {
            if (!filter.test(record)) {
                continue;
            }
            List<String> reasons = new ArrayList<>();
            if (record.path("eer_codes").isEmpty()) {
                reasons.add(NO_EER);
            }
            List<String> alreadyInHpFinder = new ArrayList<>();
            record.path("eer_codes").forEach(code -> {
                if (validated.all().stream().anyMatch(v -> contains(v.path("eer_codes"), code.asText()))) {
                    alreadyInHpFinder.add(code.asText());
                }
            });
            all &= reasons.isEmpty();
            ObjectNode result = results.addObject().put("id", record.path("id").asInt()).put("can_validate", reasons.isEmpty());
            result.set("reasons", SandboxJson.tree(reasons));
            result.set("eer_already_in_hp_finder", SandboxJson.tree(alreadyInHpFinder));
        }
        ObjectNode body = SandboxJson.object().put("can_validate", all && !results.isEmpty()).put("count", results.size());
        body.set("records", results);
        return ApiResponse.json(200, body);
    }

    /** Moves the selected parsed records to HP Finder; refuses all of them if any has no EER code. */
    private ApiResponse validate(ApiRequest request) {
        RecordFilter filter = RecordFilter.fromBody(request.jsonOrEmpty(), honoured());
        List<ObjectNode> selected = parsed.all().stream().filter(filter).toList();
        List<Integer> withoutEer = selected.stream().filter(r -> r.path("eer_codes").isEmpty())
                .map(r -> r.path("id").asInt()).toList();
        if (!withoutEer.isEmpty()) {
            ObjectNode refusal = SandboxJson.object().put("detail", "Records without EER codes cannot be validated.")
                    .put("code", NO_EER);
            refusal.set("ids", SandboxJson.tree(withoutEer));
            return ApiResponse.json(400, refusal);
        }
        List<Integer> ids = new ArrayList<>();
        for (ObjectNode record : selected) {
            String id = record.path("id").asText();
            List<String> codes = new ArrayList<>();
            record.path("eer_codes").forEach(c -> codes.add(c.asText()));
            List<String> writtenHp = new ArrayList<>();
            record.path("_hp_in_pdf").forEach(c -> writtenHp.add(c.asText()));
            ObjectNode entry = EntityStore.publicView(record);
            entry.set("hp_codes", SandboxJson.tree(catalogue.hpCodes(writtenHp, codes)));
            entry.put("hazardous", codes.stream().anyMatch(catalogue::hazardous));
            entry.put("status", "validated");
            entry.put("validated_at", Instant.now().toString());
            validated.put(id, entry);
            parsed.remove(id);
            ids.add(record.path("id").asInt());
        }
        return counted("validated", ids);
    }

    private ApiResponse proceed(ApiRequest request) {
        List<String> codes = RecordFilter.split(request.queryParam("eer_codes"));
        String language = request.jsonOrEmpty().path("language").asText("en");
        List<Integer> ids = new ArrayList<>();
        for (ObjectNode record : validated.all()) {
            boolean matches = false;
            for (String code : codes) {
                matches |= contains(record.path("eer_codes"), code);
            }
            if (matches) {
                String id = record.path("id").asText();
                ObjectNode done = record.deepCopy().put("status", "processed").put("language", language)
                        .put("processed_at", Instant.now().toString());
                history.put(id, done);
                validated.remove(id);
                ids.add(record.path("id").asInt());
            }
        }
        return counted("processed", ids);
    }

    /** Assigns the selected records, parsed or already in History, to a customer. */
    private ApiResponse sendToHistory(ApiRequest request) {
        JsonNode body = request.json();
        int customer = body.path("customer").asInt();
        boolean known = false;
        for (JsonNode c : customers) {
            known |= c.path("id").asInt() == customer;
        }
        if (!known) {
            return fieldError("customer", "Invalid pk \"" + body.path("customer").asText() + "\" - object does not exist.");
        }
        RecordFilter filter = RecordFilter.fromBody(body.path("filters").isObject() ? body.path("filters") : SandboxJson.object(), honoured());
        boolean remove = body.path("remove_from_parsed").asBoolean(false);
        List<Integer> ids = new ArrayList<>();
        for (ObjectNode record : parsed.all().stream().filter(filter).toList()) {
            String id = record.path("id").asText();
            history.put(id, EntityStore.publicView(record).put("customer", customer)
                    .put("sent_to_history_at", Instant.now().toString()));
            if (remove) {
                parsed.remove(id);
            }
            ids.add(record.path("id").asInt());
        }
        for (ObjectNode record : history.all().stream().filter(filter).toList()) {
            if (!ids.contains(record.path("id").asInt())) {
                history.update(record.path("id").asText(), r -> r.put("customer", customer));
                ids.add(record.path("id").asInt());
            }
        }
        return counted("sent", ids);
    }

    /** Bulk actions answer how many records they moved and which. */
    private static ApiResponse counted(String what, List<Integer> ids) {
        ObjectNode body = SandboxJson.object().put(what, ids.size());
        body.set("ids", SandboxJson.tree(ids));
        return ApiResponse.json(200, body);
    }

    private ApiResponse hazardProperties(ApiRequest request) {
        ObjectNode page = SandboxJson.object().put("count", hazardProperties.size());
        page.putNull("next");
        page.putNull("previous");
        page.set("results", hazardProperties);
        return ApiResponse.json(200, page);
    }

    private ApiResponse subscription(ApiRequest request) {
        ObjectNode subscription = SandboxJson.object().put("plan", "Sandbox").put("status", "active")
                .put("valid_until", "2099-12-31");
        subscription.putObject("limits").put("documents_per_month", 100000).put("users", 10);
        return ApiResponse.json(200, subscription);
    }

    /** Upload lists only what is still waiting to be confirmed. */
    private ApiResponse listUploads(ApiRequest request) {
        ArrayNode list = SandboxJson.array();
        uploads.all().stream().filter(u -> u.path("status").asText().equals("uploaded")).forEach(list::add);
        return ApiResponse.json(200, list);
    }

    private ApiResponse list(EntityStore store, ApiRequest request) {
        RecordFilter filter = RecordFilter.fromQuery(request.query(), honoured());
        ArrayNode list = SandboxJson.array();
        store.all().stream().filter(filter).forEach(r -> list.add(EntityStore.publicView(r)));
        return ApiResponse.json(200, list);
    }

    private ApiResponse one(EntityStore store, ApiRequest request) {
        return store.get(request.pathParam("id")).map(r -> ApiResponse.json(200, EntityStore.publicView(r)))
                .orElseGet(this::notFound);
    }

    private String unknownCode(List<String> codes) {
        return codes.stream().filter(code -> catalogue.entry(code).isEmpty()).findFirst().orElse(null);
    }

    private static void addCodes(ObjectNode upload, List<String> codes) {
        ArrayNode current = upload.withArray("eer_codes");
        codes.stream().filter(code -> !contains(current, code)).forEach(current::add);
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }


    /** The token endpoints take the e-mail and password or refresh token in the body, so their route checks them. */
    @Override
    public Optional<ApiResponse> refuseCredentials(ApiRequest request) {
        if (request.path().startsWith(TOKEN_PATHS)) {
            return Optional.empty();
        }
        if (request.bearerToken().isEmpty()) {
            return Optional.of(detail(401, "Authentication credentials were not provided.")
                    .header("WWW-Authenticate", "Bearer realm=\"api\""));
        }
        if (request.bearerToken().flatMap(t -> tokens.valid(t, "access", Instant.now())).isEmpty()) {
            ObjectNode body = SandboxJson.object().put("detail", "Given token not valid for any token type")
                    .put("code", "token_not_valid");
            body.putArray("messages").addObject().put("token_class", "AccessToken").put("token_type", "access")
                    .put("message", "Token is invalid or expired");
            return Optional.of(ApiResponse.json(401, body).header("WWW-Authenticate", "Bearer realm=\"api\""));
        }
        return Optional.empty();
    }

    private ApiResponse notFound() {
        return detail(404, "Not found.");
    }

    private static ApiResponse detail(int status, String detail) {
        return ApiResponse.json(status, SandboxJson.object().put("detail", detail));
    }

    private static ApiResponse fieldError(String field, String message) {
        ObjectNode body = SandboxJson.object();
        body.putArray(field).add(message);
        return ApiResponse.json(400, body);
    }

    @Override
    public ApiResponse error(int status, String title, String detail, List<ContractViolation> violations) {
        ObjectNode body = SandboxJson.object().put("detail", detail);
        if (!violations.isEmpty()) {
            body.set("violations", SandboxJson.tree(violations));
        }
        return ApiResponse.json(status, body);
    }

    @Override
    public ApiResponse rateLimited(RateDecision decision, ResetHeaderFormat format, Instant now) {
        long wait = Math.max(1, Duration.between(now, decision.resetAt()).toSeconds());
        return detail(429, "Request was throttled. Expected available in " + wait + " seconds.")
                .header("Retry-After", Long.toString(wait));
    }

    @Override
    public void addRateLimitHeaders(ApiResponse response, RateDecision decision, ResetHeaderFormat format, Instant now) {
        // DRF reports throttling only through Retry-After on the 429 itself.
    }

    @Override
    public String clientKey(ApiRequest request) {
        return request.bearerToken().flatMap(tokens::find).map(IssuedToken::subject).orElse("anonymous");
    }

    @Override
    public JsonNode entities() {
        ObjectNode entities = SandboxJson.object();
        entities.set("uploads", uploads.toJson());
        entities.set("tasks", tasks.toJson());
        entities.set("parsed", parsed.toJson());
        entities.set("validated", validated.toJson());
        entities.set("history", history.toJson());
        return entities;
    }

    @Override
    public void reset() {
        tokens.clear();
        pdfs.clear();
        uploads.clear();
        tasks.clear();
        parsed.clear();
        validated.clear();
        history.clear();
    }
}
