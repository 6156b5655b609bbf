package io.hsepipeline.sandbox.fault;

import io.hsepipeline.sandbox.ratelimit.ResetHeaderFormat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The knobs of one service: latency with jitter, shares of 5xx answers and of requests never answered,
 * the request budget per client, the reset header format, and a 429 storm lasting stormSeconds or the next
 * stormRequests requests (a storm counted in requests meets the client however slow the machine is), and
 * the next lostAnswers writes carried out but never answered (a reply lost after the service acted); for HSE
 * Genius, whether filter names its Swagger does not declare are ignored, as django-filter does, and which it declares.
 */
public record ServiceFaults(long latencyMillis, long jitterMillis, double errorRate, double timeoutRate,
                            int rateLimit, int rateWindowSeconds, ResetHeaderFormat resetHeaderFormat,
                            long stormSeconds, long stormRequests, long lostAnswers, String undeclaredFilters,
                            String declaredFilters) {

    /** HSE Genius: filter names it does not declare are honoured all the same (honour) or ignored (ignore). */
    public static final String HONOUR = "honour";
    public static final String IGNORE = "ignore";
    /** HSE Genius: the filter names its live Swagger declares, by default every one the sandbox knows. */
    public static final String DEFAULT_DECLARED_FILTERS = "eer_codes,upload,id,status,title,product_name";

    /** Knob names as they appear in POST /_sandbox/faults and, upper-cased with underscores, in SANDBOX_* settings. */
    public static final List<String> KNOBS = List.of("latencyMs", "jitterMs", "errorRate", "timeoutRate",
            "rateLimit", "rateWindowSeconds", "resetHeaderFormat", "stormSeconds", "stormRequests", "lostAnswers",
            "undeclaredFilters", "declaredFilters");

    public ServiceFaults {
        if (latencyMillis < 0 || jitterMillis < 0 || rateLimit < 0 || rateWindowSeconds < 1 || stormSeconds < 0
                || stormRequests < 0 || lostAnswers < 0) {
            throw new IllegalArgumentException("latency, jitter, rate limit and storms must be >= 0, window >= 1 s");
        }
        if (errorRate < 0 || errorRate > 1 || timeoutRate < 0 || timeoutRate > 1) {
            throw new IllegalArgumentException("errorRate and timeoutRate are shares between 0 and 1");
        }
        if (!HONOUR.equals(undeclaredFilters) && !IGNORE.equals(undeclaredFilters)) {
            throw new IllegalArgumentException("undeclaredFilters is honour or ignore, got '" + undeclaredFilters + "'");
        }
    }

    public static ServiceFaults none() {
        return new ServiceFaults(0, 0, 0, 0, 0, 60, ResetHeaderFormat.SECONDS, 0, 0, 0, HONOUR, DEFAULT_DECLARED_FILTERS);
    }

    public ServiceFaults withLatency(long millis, long jitter) {
        return new ServiceFaults(millis, jitter, errorRate, timeoutRate, rateLimit, rateWindowSeconds,
                resetHeaderFormat, stormSeconds, stormRequests, lostAnswers, undeclaredFilters, declaredFilters);
    }

    public ServiceFaults withErrorRate(double share) {
        return new ServiceFaults(latencyMillis, jitterMillis, share, timeoutRate, rateLimit, rateWindowSeconds,
                resetHeaderFormat, stormSeconds, stormRequests, lostAnswers, undeclaredFilters, declaredFilters);
    }

    public ServiceFaults withTimeoutRate(double share) {
        return new ServiceFaults(latencyMillis, jitterMillis, errorRate, share, rateLimit, rateWindowSeconds,
                resetHeaderFormat, stormSeconds, stormRequests, lostAnswers, undeclaredFilters, declaredFilters);
    }

    /** A budget of limit requests per client per window; limit 0 switches rate limiting off. */
    public ServiceFaults withRateLimit(int limit, int windowSeconds) {
        return new ServiceFaults(latencyMillis, jitterMillis, errorRate, timeoutRate, limit, windowSeconds,
                resetHeaderFormat, stormSeconds, stormRequests, lostAnswers, undeclaredFilters, declaredFilters);
    }

    public ServiceFaults withResetHeaderFormat(ResetHeaderFormat format) {
        return new ServiceFaults(latencyMillis, jitterMillis, errorRate, timeoutRate, rateLimit, rateWindowSeconds,
                format, stormSeconds, stormRequests, lostAnswers, undeclaredFilters, declaredFilters);
    }

    public ServiceFaults withStormSeconds(long seconds) {
        return new ServiceFaults(latencyMillis, jitterMillis, errorRate, timeoutRate, rateLimit, rateWindowSeconds,
                resetHeaderFormat, seconds, stormRequests, lostAnswers, undeclaredFilters, declaredFilters);
    }

    public ServiceFaults withStormRequests(long requests) {
        return new ServiceFaults(latencyMillis, jitterMillis, errorRate, timeoutRate, rateLimit, rateWindowSeconds,
                resetHeaderFormat, stormSeconds, requests, lostAnswers, undeclaredFilters, declaredFilters);
    }

    /**
     * The next n writes the service carries out (token requests aside), each on a path none of them was lost on,
     * get no answer, as if it was lost on the way: the client's retry is answered, the next kind of write is not.
     */
    public ServiceFaults withLostAnswers(long writes) {
        return new ServiceFaults(latencyMillis, jitterMillis, errorRate, timeoutRate, rateLimit, rateWindowSeconds,
                resetHeaderFormat, stormSeconds, stormRequests, writes, undeclaredFilters, declaredFilters);
    }

    public ServiceFaults withUndeclaredFilters(String mode) {
        return new ServiceFaults(latencyMillis, jitterMillis, errorRate, timeoutRate, rateLimit, rateWindowSeconds,
                resetHeaderFormat, stormSeconds, stormRequests, lostAnswers, mode, declaredFilters);
    }

    public ServiceFaults withDeclaredFilters(String names) {
        return new ServiceFaults(latencyMillis, jitterMillis, errorRate, timeoutRate, rateLimit, rateWindowSeconds,
                resetHeaderFormat, stormSeconds, stormRequests, lostAnswers, undeclaredFilters, names);
    }

    /** The declared filter names as a list. */
    public List<String> declaredFilterNames() {
        return java.util.Arrays.stream(declaredFilters.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList();
    }

    /** Sets one knob by name from its text form, as settings and the faults endpoint give it. */
    public ServiceFaults with(String knob, String value) {
        String v = value.trim();
        try {
            return switch (knob) {
                case "latencyMs" -> withLatency(Long.parseLong(v), jitterMillis);
                case "jitterMs" -> withLatency(latencyMillis, Long.parseLong(v));
                case "errorRate" -> withErrorRate(Double.parseDouble(v));
                case "timeoutRate" -> withTimeoutRate(Double.parseDouble(v));
                case "rateLimit" -> withRateLimit(Integer.parseInt(v), rateWindowSeconds);
                case "rateWindowSeconds" -> withRateLimit(rateLimit, Integer.parseInt(v));
                case "resetHeaderFormat" -> withResetHeaderFormat(ResetHeaderFormat.parse(v));
                case "stormSeconds" -> withStormSeconds(Long.parseLong(v));
                case "stormRequests" -> withStormRequests(Long.parseLong(v));
                case "lostAnswers" -> withLostAnswers(Long.parseLong(v));
                case "undeclaredFilters" -> withUndeclaredFilters(v.toLowerCase(java.util.Locale.ROOT));
                case "declaredFilters" -> withDeclaredFilters(v);
                default -> throw new IllegalArgumentException("unknown knob '" + knob + "', known: " + KNOBS);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("knob '" + knob + "' needs a number, got '" + value + "'");
        }
    }

    public Map<String, Object> describe() {
        Map<String, Object> knobs = new LinkedHashMap<>();
        knobs.put("latencyMs", latencyMillis);
        knobs.put("jitterMs", jitterMillis);
        knobs.put("errorRate", errorRate);
        knobs.put("timeoutRate", timeoutRate);
        knobs.put("rateLimit", rateLimit);
        knobs.put("rateWindowSeconds", rateWindowSeconds);
        knobs.put("resetHeaderFormat", resetHeaderFormat.label());
        knobs.put("stormSeconds", stormSeconds);
        knobs.put("stormRequests", stormRequests);
        knobs.put("lostAnswers", lostAnswers);
        knobs.put("undeclaredFilters", undeclaredFilters);
        knobs.put("declaredFilters", declaredFilters);
        return knobs;
    }
}
