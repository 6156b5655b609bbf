package io.hsepipeline.sandbox;

import io.hsepipeline.sandbox.fault.ServiceFaults;
import io.hsepipeline.sandbox.ratelimit.ResetHeaderFormat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Every knob of the sandbox, with defaults; immutable, each withX returns a changed copy. */
public final class SandboxSettings {

    public static final String HYPATOS = "hypatos";
    public static final String HSEGENIUS = "hsegenius";
    public static final String FOURHSE = "fourhse";
    public static final String QEHS = "qehs";
    public static final List<String> SERVICES = List.of(HYPATOS, HSEGENIUS, FOURHSE, QEHS);

    private final Map<String, Integer> ports;
    private final Map<String, ServiceFaults> faults;
    private final Duration processingDelay;
    private final Duration tokenLifetime;
    private final Duration hangLimit;

    private SandboxSettings(Map<String, Integer> ports, Map<String, ServiceFaults> faults, Duration processingDelay,
                            Duration tokenLifetime, Duration hangLimit) {
        this.ports = Map.copyOf(ports);
        this.faults = Map.copyOf(faults);
        this.processingDelay = processingDelay;
        this.tokenLifetime = tokenLifetime;
        this.hangLimit = hangLimit;
    }

    /**
     * Ports 9101..9104, no latency or faults, 2 s processing, one-hour tokens; Hypatos allows 100 requests a
     * second per client (reset in seconds), QEHS 300 a minute per key (reset as Unix time), as their docs say.
     */
    public static SandboxSettings defaults() {
        Map<String, ServiceFaults> faults = new LinkedHashMap<>();
        faults.put(HYPATOS, ServiceFaults.none().withRateLimit(100, 1).withResetHeaderFormat(ResetHeaderFormat.SECONDS));
        faults.put(HSEGENIUS, ServiceFaults.none());
        faults.put(FOURHSE, ServiceFaults.none());
        faults.put(QEHS, ServiceFaults.none().withRateLimit(300, 60).withResetHeaderFormat(ResetHeaderFormat.UNIX));
        return new SandboxSettings(Map.of(HYPATOS, 9101, HSEGENIUS, 9102, FOURHSE, 9103, QEHS, 9104), faults,
                Duration.ofSeconds(2), Duration.ofHours(1), Duration.ofMinutes(5));
    }

    /** Defaults overridden by SANDBOX_* environment variables, or system properties of the same name. */
    public static SandboxSettings fromEnvironment() {
        return fromLookup(name -> {
            String property = System.getProperty(name);
            return property != null ? property : System.getenv(name);
        });
    }

    static SandboxSettings fromLookup(Function<String, String> lookup) {
        SandboxSettings settings = defaults();
        for (String service : SERVICES) {
            String port = lookup.apply("SANDBOX_" + service.toUpperCase(Locale.ROOT) + "_PORT");
            if (port != null) {
                Map<String, Integer> changed = new LinkedHashMap<>(settings.ports);
                changed.put(service, Integer.parseInt(port.trim()));
                settings = new SandboxSettings(changed, settings.faults, settings.processingDelay,
                        settings.tokenLifetime, settings.hangLimit);
            }
        }
        for (String scope : List.of("ALL", HYPATOS, HSEGENIUS, FOURHSE, QEHS)) {
            for (String knob : ServiceFaults.KNOBS) {
                String value = lookup.apply("SANDBOX_" + scope.toUpperCase(Locale.ROOT) + "_" + envName(knob));
                if (value != null) {
                    settings = settings.withKnob(scope.equals("ALL") ? null : scope, knob, value);
                }
            }
        }
        String delay = lookup.apply("SANDBOX_PROCESSING_DELAY_MS");
        if (delay != null) {
            settings = settings.withProcessingDelay(Duration.ofMillis(Long.parseLong(delay.trim())));
        }
        String lifetime = lookup.apply("SANDBOX_TOKEN_LIFETIME_SECONDS");
        if (lifetime != null) {
            settings = settings.withTokenLifetime(Duration.ofSeconds(Long.parseLong(lifetime.trim())));
        }
        String hang = lookup.apply("SANDBOX_HANG_LIMIT_SECONDS");
        if (hang != null) {
            settings = settings.withHangLimit(Duration.ofSeconds(Long.parseLong(hang.trim())));
        }
        return settings;
    }

    /** latencyMs -> LATENCY_MS, rateWindowSeconds -> RATE_WINDOW_SECONDS. */
    public static String envName(String knob) {
        return knob.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** Ports per service; 0 picks a free port (tests use 0). */
    public SandboxSettings withPorts(int hypatos, int hsegenius, int fourhse, int qehs) {
        return new SandboxSettings(Map.of(HYPATOS, hypatos, HSEGENIUS, hsegenius, FOURHSE, fourhse, QEHS, qehs),
                faults, processingDelay, tokenLifetime, hangLimit);
    }

    public SandboxSettings withFaults(String service, ServiceFaults serviceFaults) {
        Map<String, ServiceFaults> changed = new LinkedHashMap<>(faults);
        changed.put(known(service), serviceFaults);
        return new SandboxSettings(ports, changed, processingDelay, tokenLifetime, hangLimit);
    }

    /** Sets one knob by name (see {@link ServiceFaults#KNOBS}) for one service, or for all when service is null. */
    public SandboxSettings withKnob(String service, String knob, String value) {
        SandboxSettings settings = this;
        for (String s : service == null ? SERVICES : List.of(known(service))) {
            settings = settings.withFaults(s, settings.faults(s).with(knob, value));
        }
        return settings;
    }

    public SandboxSettings withLatency(String service, long millis, long jitterMillis) {
        return withFaults(service, faults(service).withLatency(millis, jitterMillis));
    }

    public SandboxSettings withErrorRate(String service, double share) {
        return withFaults(service, faults(service).withErrorRate(share));
    }

    public SandboxSettings withTimeoutRate(String service, double share) {
        return withFaults(service, faults(service).withTimeoutRate(share));
    }

    public SandboxSettings withRateLimit(String service, int limit, int windowSeconds) {
        return withFaults(service, faults(service).withRateLimit(limit, windowSeconds));
    }

    public SandboxSettings withResetHeaderFormat(String service, ResetHeaderFormat format) {
        return withFaults(service, faults(service).withResetHeaderFormat(format));
    }

    /** Every request to the service answers 429 for this long after the sandbox starts (or the knob is posted). */
    public SandboxSettings withRateLimitStorm(String service, Duration duration) {
        return withFaults(service, faults(service).withStormSeconds(duration.toSeconds()));
    }

    /** How long Hypatos processing and HSE Genius parsing take. */
    public SandboxSettings withProcessingDelay(Duration delay) {
        return new SandboxSettings(ports, faults, requireNonNegative(delay), tokenLifetime, hangLimit);
    }

    /** Lifetime of issued access tokens, at every service that issues them. */
    public SandboxSettings withTokenLifetime(Duration lifetime) {
        return new SandboxSettings(ports, faults, processingDelay, requireNonNegative(lifetime), hangLimit);
    }

    /** How long a request picked for a timeout is held unanswered before its connection is dropped. */
    public SandboxSettings withHangLimit(Duration limit) {
        return new SandboxSettings(ports, faults, processingDelay, tokenLifetime, requireNonNegative(limit));
    }

    public int port(String service) {
        return ports.get(known(service));
    }

    public ServiceFaults faults(String service) {
        return faults.get(known(service));
    }

    public Duration processingDelay() {
        return processingDelay;
    }

    public Duration tokenLifetime() {
        return tokenLifetime;
    }

    public Duration hangLimit() {
        return hangLimit;
    }

    public Map<String, Object> describe() {
        Map<String, Object> knobs = new LinkedHashMap<>();
        SERVICES.forEach(s -> knobs.put(s, faults(s).describe()));
        knobs.put("processingDelayMs", processingDelay.toMillis());
        knobs.put("tokenLifetimeSeconds", tokenLifetime.toSeconds());
        knobs.put("hangLimitSeconds", hangLimit.toSeconds());
        return knobs;
    }

    private static String known(String service) {
        if (!SERVICES.contains(service)) {
            throw new IllegalArgumentException("unknown service '" + service + "', known: " + SERVICES);
        }
        return service;
    }

    private static Duration requireNonNegative(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative: " + d);
        }
        return d;
    }
}
