package io.hsepipeline.sandbox.qehs;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsepipeline.sandbox.http.ApiResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Idempotency-Key handling per API key: the first successful response is kept for 24 hours and replayed for the
 * same key and the same body (compared as JSON); the same key with another body is a conflict.
 */
final class IdempotencyStore {

    private static final Duration KEPT_FOR = Duration.ofHours(24);

    /** What happened to a keyed request: answered fresh, replayed, or refused as a conflict. */
    enum Outcome { FRESH, REPLAYED, CONFLICT }

    record Result(Outcome outcome, ApiResponse response) {
    }

    private record Entry(JsonNode body, ApiResponse response, Instant storedAt) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    Result handle(String scope, String key, JsonNode body, Supplier<ApiResponse> create) {
        String id = scope + "\n" + key;
        // Requests with the same key run one after another, so a retry racing its original cannot create twice.
        synchronized (locks.computeIfAbsent(id, k -> new Object())) {
            Entry entry = entries.get(id);
            if (entry != null && entry.storedAt().plus(KEPT_FOR).isBefore(Instant.now())) {
                entries.remove(id);
                entry = null;
            }
            if (entry != null) {
                return entry.body().equals(body) ? new Result(Outcome.REPLAYED, entry.response())
                        : new Result(Outcome.CONFLICT, null);
            }
            ApiResponse response = create.get();
            if (response.status() / 100 == 2) {
                entries.put(id, new Entry(body, response, Instant.now()));
            }
            return new Result(Outcome.FRESH, response);
        }
    }

    void clear() {
        entries.clear();
        locks.clear();
    }
}
