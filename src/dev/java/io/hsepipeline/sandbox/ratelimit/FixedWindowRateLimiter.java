package io.hsepipeline.sandbox.ratelimit;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A request budget per client and fixed time window; windows are aligned to the epoch so resets are predictable. */
public final class FixedWindowRateLimiter {

    private static final class Window {
        long start;
        int used;
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public RateDecision take(String client, int limit, int windowSeconds, Instant now) {
        long windowMillis = windowSeconds * 1000L;
        long start = now.toEpochMilli() - Math.floorMod(now.toEpochMilli(), windowMillis);
        Instant resetAt = Instant.ofEpochMilli(start + windowMillis);
        Window window = windows.computeIfAbsent(client, c -> new Window());
        synchronized (window) {
            if (window.start != start) {
                window.start = start;
                window.used = 0;
            }
            if (window.used >= limit) {
                return new RateDecision(false, limit, 0, resetAt, windowSeconds);
            }
            window.used++;
            return new RateDecision(true, limit, limit - window.used, resetAt, windowSeconds);
        }
    }

    public void clear() {
        windows.clear();
    }
}
