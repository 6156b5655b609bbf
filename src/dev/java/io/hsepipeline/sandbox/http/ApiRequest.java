package io.hsepipeline.sandbox.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** One HTTP request as the sandbox sees it: method, decoded path and query, headers (lower-case names), body. */
public final class ApiRequest {

    private final String method;
    private final String path;
    private final String rawQuery;
    private final Map<String, List<String>> query;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final Map<String, String> pathParams;

    public ApiRequest(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        this(method, path, rawQuery, parseQuery(rawQuery), lowerCaseNames(headers), body, Map.of());
    }

    private ApiRequest(String method, String path, String rawQuery, Map<String, List<String>> query,
                       Map<String, List<String>> headers, byte[] body, Map<String, String> pathParams) {
        this.method = method;
        this.path = path;
        this.rawQuery = rawQuery;
        this.query = query;
        this.headers = headers;
        this.body = body;
        this.pathParams = pathParams;
    }

    public ApiRequest withPathParams(Map<String, String> params) {
        return new ApiRequest(method, path, rawQuery, query, headers, body, Map.copyOf(params));
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String rawQuery() {
        return rawQuery;
    }

    public Map<String, List<String>> query() {
        return query;
    }

    public Map<String, List<String>> headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public List<String> queryParams(String name) {
        return query.getOrDefault(name, List.of());
    }

    public String contentType() {
        String value = header("content-type");
        return value == null ? null : value.trim();
    }

    public boolean hasContentType(String mediaType) {
        String value = contentType();
        return value != null && value.toLowerCase(Locale.ROOT).startsWith(mediaType);
    }

    public Optional<String> bearerToken() {
        String value = header("authorization");
        if (value != null && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(value.substring(7).trim());
        }
        return Optional.empty();
    }

    /** HTTP Basic user and password, if the request carries well-formed Basic credentials. */
    public Optional<String[]> basicCredentials() {
        String value = header("authorization");
        if (value == null || !value.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty()
                    : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public JsonNode json() {
        return SandboxJson.read(body);
    }

    /** The JSON body, or an empty object when there is no body (bodies that only carry optional filters). */
    public JsonNode jsonOrEmpty() {
        return body.length == 0 ? SandboxJson.object() : json();
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public Map<String, String> form() {
        Map<String, String> form = new LinkedHashMap<>();
        parseQuery(text()).forEach((name, values) -> form.put(name, values.get(0)));
        return form;
    }

    public MultipartForm multipart() {
        return MultipartForm.parse(contentType(), body);
    }

    static Map<String, List<String>> parseQuery(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return Collections.unmodifiableMap(params);
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("malformed percent-encoding in '" + value + "'");
        }
    }

    private static Map<String, List<String>> lowerCaseNames(Map<String, List<String>> headers) {
        Map<String, List<String>> lower = new LinkedHashMap<>();
        headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .addAll(values));
        return Collections.unmodifiableMap(lower);
    }
}
