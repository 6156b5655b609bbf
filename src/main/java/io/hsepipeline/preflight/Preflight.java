package io.hsepipeline.preflight;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.hsegenius.HseGeniusNames;
import io.hsepipeline.hsegenius.HseGeniusSwagger;
import io.hsepipeline.records.ValidatedRecord;
import io.hsepipeline.qehs.QehsModules;
import io.hsepipeline.share.PipelineSettings.WatchedFolder;

/**
 * First contact with the four services, before any work: credentials accepted, and what the settings name exists
 * there (Hypatos project, HSE Genius customer and the filter names its live Swagger declares, the 4HSE project,
 * resource and action, the QEHS module and the mapping's fit to it). Only reads: it creates nothing anywhere.
 */
public final class Preflight {

    /** One check: what was checked, how it went, and on failure what to set. */
    public record Check(String service, String name, boolean ok, String detail, String fix) {

        public String line() {
            return (ok ? "ok   " : "FAIL ") + service + ": " + name + ": " + detail + (ok ? "" : " -> " + fix);
        }
    }

    public static final List<String> SERVICES = List.of("hypatos", "hsegenius", "fourhse", "qehs");

    private final Environment env;
    private final List<WatchedFolder> folders;
    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    public Preflight(Environment env) {
        this.env = env;
        this.folders = Binder.get(env).bind("hse.folders", Bindable.listOf(WatchedFolder.class)).orElse(List.of());
        this.timeout = Duration.ofMillis(Long.parseLong(setting("hse.http.response-timeout-millis", "60000")));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(Long.parseLong(setting("hse.http.connect-timeout-millis", "10000"))))
                .build();
    }

    public List<Check> runAll() {
        List<Check> checks = new ArrayList<>();
        SERVICES.forEach(service -> checks.addAll(run(service)));
        return checks;
    }

    public List<Check> run(String service) {
        List<Check> checks = new ArrayList<>();
        try {
            switch (service) {
                case "hypatos" -> hypatos(checks);
                case "hsegenius" -> hsegenius(checks);
                case "fourhse" -> fourhse(checks);
                case "qehs" -> qehs(checks);
                default -> throw new IllegalArgumentException("unknown service " + service);
            }
        } catch (Unreachable e) {
            checks.add(new Check(service, "reachable", false, e.getMessage(), "Check " + e.setting
                    + " and that this host can reach the service"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            checks.add(new Check(service, "reachable", false, "interrupted", "Run the check again"));
        }
        return checks;
    }

    private void hypatos(List<Check> checks) throws InterruptedException {
        String base = setting("hse.hypatos.base-url", "");
        String basic = Base64.getEncoder().encodeToString((setting("hse.hypatos.client-id", "") + ":"
                + setting("hse.hypatos.client-secret", "")).getBytes(StandardCharsets.UTF_8));
        Answer token = send(HttpRequest.newBuilder(uri(base + "/auth/token", "HYPATOS_BASE_URL"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")), "HYPATOS_BASE_URL");
        String access = token.ok() ? token.body().path("access_token").asText("") : "";
        checks.add(new Check("hypatos", "credentials", !access.isEmpty(), token.ok() ? "a token was issued"
                : "the token request answered " + token.status(), "Set HYPATOS_CLIENT_ID and HYPATOS_CLIENT_SECRET"));
        if (access.isEmpty()) {
            return;
        }
        String project = setting("hse.hypatos.project-id", "");
        if (project.isBlank()) {
            checks.add(new Check("hypatos", "project", false, "no project set", "Set HYPATOS_PROJECT_ID"));
            return;
        }
        // Hypatos has no project lookup: its document list by project is the nearest read that takes the id
        Answer documents = send(HttpRequest.newBuilder(uri(base + "/documents?limit=1&projectId=" + encode(project),
                "HYPATOS_BASE_URL")).header("Authorization", "Bearer " + access).GET(), "HYPATOS_BASE_URL");
        checks.add(new Check("hypatos", "project", documents.ok(), documents.ok()
                ? "project " + project + " is accepted (" + documents.body().path("totalCount").asInt() + " documents)"
                : "the document list of project " + project + " answered " + documents.status(),
                "Set HYPATOS_PROJECT_ID to a project these credentials can use"));
    }

    private void hsegenius(List<Check> checks) throws InterruptedException {
        String base = setting("hse.hsegenius.base-url", "");
        Answer token = send(HttpRequest.newBuilder(uri(base + "/api/user/token/", "HSEGENIUS_BASE_URL"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(write(Map.of(
                        "email", setting("hse.hsegenius.email", ""), "password", setting("hse.hsegenius.password", ""))))),
                "HSEGENIUS_BASE_URL");
        String access = token.ok() ? token.body().path("access").asText("") : "";
        checks.add(new Check("hsegenius", "credentials", !access.isEmpty(), token.ok() ? "a token was issued"
                : "the login answered " + token.status(), "Set HSEGENIUS_EMAIL and HSEGENIUS_PASSWORD"));
        if (access.isEmpty()) {
            return;
        }
        Set<String> customers = new LinkedHashSet<>();
        addIfSet(customers, setting("hse.hsegenius.customer-id", ""));
        folders.forEach(f -> addIfSet(customers, f.customer()));
        if (customers.isEmpty()) {
            checks.add(new Check("hsegenius", "customer", true, "none set: records are not sent to History", ""));
        } else {
            Answer list = send(get(base + "/api/customer/", access, "HSEGENIUS_BASE_URL"), "HSEGENIUS_BASE_URL");
            Set<String> known = new LinkedHashSet<>();
            JsonNode items = list.body().has("results") ? list.body().get("results") : list.body();
            items.forEach(c -> known.add(c.path("id").asText()));
            List<String> missing = customers.stream().filter(c -> !known.contains(c)).toList();
            checks.add(new Check("hsegenius", "customer", list.ok() && missing.isEmpty(), !list.ok()
                    ? "the customer list answered " + list.status()
                    : missing.isEmpty() ? "customer " + customers + " exists" : "no customer " + missing + " (known: " + known + ")",
                    "Set HSEGENIUS_CUSTOMER_ID (or the folder's customer) to a customer id of GET /api/customer/"));
        }
        String swaggerPath = setting("hse.hsegenius.swagger-path", "/api/docs/");
        Answer swagger = send(get(base + swaggerPath, access, "HSEGENIUS_BASE_URL"), "HSEGENIUS_BASE_URL");
        if (!swagger.ok() || !swagger.body().has("paths")) {
            checks.add(new Check("hsegenius", "filter names", false, "the live Swagger at " + swaggerPath
                    + " answered " + swagger.status() + " without an OpenAPI description",
                    "Set HSEGENIUS_SWAGGER_PATH to where HSE Genius serves its OpenAPI JSON"));
            return;
        }
        Map<String, List<String>> declared = HseGeniusSwagger.parse(swagger.body());
        Map<String, String[]> names = new LinkedHashMap<>();
        names.put(HseGeniusNames.UPLOAD_FILTER, new String[] {setting("hse.hsegenius.names.upload-filter", "upload"),
                HseGeniusSwagger.IMPORTED, HseGeniusSwagger.HP_FINDER});
        names.put(HseGeniusNames.VALIDATE_SELECTION, new String[] {setting("hse.hsegenius.names.validate-selection", "id"),
                HseGeniusSwagger.IMPORTED});
        if (!customers.isEmpty()) {
            names.put(HseGeniusNames.HISTORY_UPLOAD_FILTER, new String[] {
                    setting("hse.hsegenius.names.history-upload-filter", "upload"), HseGeniusSwagger.IMPORTED});
        }
        names.forEach((variable, use) -> {
            for (int i = 1; i < use.length; i++) {
                List<String> there = declared.getOrDefault(use[i], List.of());
                boolean ok = there.contains(use[0]);
                checks.add(new Check("hsegenius", "filter " + variable + " on " + use[i], ok, ok
                        ? "'" + use[0] + "' is declared on GET " + use[i]
                        : "the live Swagger declares " + there + " on GET " + use[i] + ", not '" + use[0] + "'",
                        "Set " + variable + " to the name the live Swagger declares"));
            }
        });
    }

    private void fourhse(List<Check> checks) throws InterruptedException {
        String base = setting("hse.fourhse.base-url", "");
        String apiKey = setting("hse.fourhse.api-key", "");
        String query = "";
        String bearer = null;
        if (!apiKey.isBlank()) {
            query = "?access-token=" + encode(apiKey);
        } else {
            String form = "grant_type=password&client_id=" + encode(setting("hse.fourhse.client-id", ""))
                    + "&username=" + encode(setting("hse.fourhse.username", ""))
                    + "&password=" + encode(setting("hse.fourhse.password", ""));
            Answer token = send(HttpRequest.newBuilder(uri(setting("hse.fourhse.token-url", ""), "FOURHSE_TOKEN_URL"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)), "FOURHSE_TOKEN_URL");
            bearer = token.ok() ? token.body().path("access_token").asText("") : "";
            checks.add(new Check("fourhse", "credentials", !bearer.isEmpty(), token.ok() ? "a token was issued"
                    : "the token request answered " + token.status(),
                    "Set FOURHSE_CLIENT_ID, FOURHSE_USERNAME and FOURHSE_PASSWORD, or FOURHSE_API_KEY"));
            if (bearer.isEmpty()) {
                return;
            }
        }
        String name = setting("hse.fourhse.project-name", "");
        HttpRequest.Builder index = HttpRequest.newBuilder(uri(base + "/v2/project/index" + query, "FOURHSE_BASE_URL"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(write(Map.of(
                        "filter", Map.of("name", name, "status", "active", "project_type", "safety"),
                        "per-page", 100, "page", 1))));
        if (bearer != null) {
            index.header("Authorization", "Bearer " + bearer);
        }
        Answer projects = send(index, "FOURHSE_BASE_URL");
        if (bearer == null) {
            checks.add(new Check("fourhse", "credentials", projects.status() != 401 && projects.status() != 403,
                    "the API key was " + (projects.status() / 100 == 2 ? "accepted" : "answered " + projects.status()),
                    "Set FOURHSE_API_KEY to a valid key"));
        }
        int found = projects.ok() ? projects.body().size() : 0;
        checks.add(new Check("fourhse", "project", found == 1, !projects.ok() ? "the project index answered " + projects.status()
                : found == 1 ? "one active safety project named '" + name + "'"
                : found + " active safety projects named '" + name + "'",
                "Set FOURHSE_PROJECT_NAME to the exact name of one active safety project the 4HSE user sees"));
        boolean resource = !setting("hse.fourhse.resource-id", "").isBlank()
                || (!folders.isEmpty() && folders.stream().allMatch(f -> f.fourhse() != null && notBlank(f.fourhse().resourceId())));
        boolean action = !setting("hse.fourhse.action-id", "").isBlank()
                || (!folders.isEmpty() && folders.stream().allMatch(f -> f.fourhse() != null && notBlank(f.fourhse().actionId())));
        // 4HSE documents no read of a resource or action: that they are set is what can be checked without creating
        checks.add(new Check("fourhse", "resource", resource, resource ? "set (4HSE offers no lookup: a wrong id shows at"
                + " the first certificate)" : "no resource for certificates", "Set FOURHSE_RESOURCE_ID (or each folder's fourhse.resource-id)"));
        checks.add(new Check("fourhse", "action", action, action ? "set (4HSE offers no lookup: a wrong id shows at the"
                + " first action link)" : "no action for certificates", "Set FOURHSE_ACTION_ID (or each folder's fourhse.action-id)"));
    }

    private void qehs(List<Check> checks) throws InterruptedException {
        String base = setting("hse.qehs.base-url", "");
        Set<String> modules = new LinkedHashSet<>();
        addIfSet(modules, setting("hse.qehs.module-key", ""));
        folders.forEach(f -> addIfSet(modules, f.qehsModule()));
        if (modules.isEmpty()) {
            checks.add(new Check("qehs", "module", false, "no module set", "Set QEHS_MODULE_KEY (or the folder's qehs-module)"));
            return;
        }
        for (String key : modules) {
            Answer module = send(get(base + "/api/v1/modules/" + encode(key), setting("hse.qehs.api-key", ""), "QEHS_BASE_URL"),
                    "QEHS_BASE_URL");
            if (module.status() == 401 || module.status() == 403) {
                checks.add(new Check("qehs", "credentials", false, "the API key was answered " + module.status(), "Set QEHS_API_KEY"));
                return;
            }
            checks.add(new Check("qehs", "module " + key, module.ok(), module.ok() ? "exists (version "
                    + module.body().path("version").asText("?") + ")" : "answered " + module.status(),
                    "Set QEHS_MODULE_KEY (or the folder's qehs-module) to a module of this workspace"));
            if (module.ok()) {
                checks.add(mapping(key, module.body()));
            }
        }
    }

    /** The mapping's output for a sample record, checked against the module's schema as the QEHS stage does. */
    private Check mapping(String moduleKey, JsonNode module) {
        Path file = Path.of(setting("hse.mappings", "routes/mappings"), "qehs-record.jsonata");
        try {
            ValidatedRecord sample = new ValidatedRecord("hsegenius-0", "0".repeat(64), "sample-sds.pdf", "inbox",
                    List.of("150110*"), List.of("HP4", "HP14"), "Acetone", "hy-sample", "file-sample", "0", "0", null,
                    Instant.now().toString());
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("record", json.convertValue(sample, Map.class));
            input.put("moduleKey", moduleKey);
            Object output = Jsonata.jsonata(Files.readString(file)).evaluate(input);
            List<String> problems = QehsModules.problems(module, json.valueToTree(output));
            return new Check("qehs", "mapping", problems.isEmpty(), problems.isEmpty()
                    ? file + " maps a sample record to a payload module " + moduleKey + " takes"
                    : "module " + moduleKey + " would refuse the sample's payload: " + String.join("; ", problems),
                    "Fix " + file + " (or HSE_MAPPINGS_DIR)");
        } catch (IOException | RuntimeException e) {
            return new Check("qehs", "mapping", false, file + " could not be evaluated: " + e.getMessage(),
                    "Fix " + file + " (or HSE_MAPPINGS_DIR)");
        }
    }

    private record Answer(int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** A service that cannot be reached at all: the setting that says where it is. */
    private static final class Unreachable extends RuntimeException {
        final String setting;

        Unreachable(String setting, String message) {
            super(message);
            this.setting = setting;
        }
    }

    private Answer send(HttpRequest.Builder request, String setting) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
            } catch (IOException notJson) {
                body = json.createObjectNode();
            }
            return new Answer(response.statusCode(), body);
        } catch (IllegalArgumentException e) {
            throw new Unreachable(setting, "not a usable URL (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new Unreachable(setting, "no answer (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    private HttpRequest.Builder get(String url, String bearer, String setting) {
        return HttpRequest.newBuilder(uri(url, setting)).header("Authorization", "Bearer " + bearer).GET();
    }

    private static URI uri(String url, String setting) {
        try {
            return URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new Unreachable(setting, "'" + url + "' is not a URL");
        }
    }

    private String setting(String name, String fallback) {
        String value = env.getProperty(name);
        return value == null ? fallback : value;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void addIfSet(Set<String> set, String value) {
        if (notBlank(value)) {
            set.add(value.trim());
        }
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
