package io.hsepipeline.sandbox.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response a service handler built; headers can be added on the way out (rate limits, replay markers). */
public final class ApiResponse {

    private final int status;
    private final byte[] body;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private ApiResponse(int status, String contentType, byte[] body) {
        this.status = status;
        this.body = body;
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
    }

    public static ApiResponse json(int status, Object body) {
        return new ApiResponse(status, "application/json", SandboxJson.bytes(body));
    }

    public static ApiResponse json(int status, String contentType, Object body) {
        return new ApiResponse(status, contentType, SandboxJson.bytes(body));
    }

    public static ApiResponse bytes(int status, String contentType, byte[] body) {
        return new ApiResponse(status, contentType, body);
    }

    public static ApiResponse text(int status, String body) {
        return new ApiResponse(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    public static ApiResponse empty(int status) {
        return new ApiResponse(status, null, new byte[0]);
    }

    /** A copy with its own headers, for a response that is sent more than once (idempotent replays). */
    public ApiResponse copy() {
        ApiResponse copy = new ApiResponse(status, null, body);
        copy.headers.putAll(headers);
        return copy;
    }

    public ApiResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public byte[] body() {
        return body;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public String contentType() {
        return headers.get("Content-Type");
    }
}
