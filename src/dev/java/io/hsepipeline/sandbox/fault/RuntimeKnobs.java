package io.hsepipeline.sandbox.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsepipeline.sandbox.SandboxSettings;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The knobs in force now: the start settings, changed at run time by POST /_sandbox/faults, restored by reset. */
public final class RuntimeKnobs {

    private final SandboxSettings initial;
    private final AtomicReference<SandboxSettings> current;
    private final Map<String, Instant> stormUntil = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> stormRequestsLeft = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lostAnswersLeft = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> lostPaths = new ConcurrentHashMap<>();

    public RuntimeKnobs(SandboxSettings initial) {
        this.initial = initial;
        this.current = new AtomicReference<>(initial);
        startStorms(initial, Instant.now());
    }

    public SandboxSettings settings() {
        return current.get();
    }

    public ServiceFaults faults(String service) {
        return current.get().faults(service);
    }

    public boolean inStorm(String service, Instant now) {
        Instant until = stormUntil.get(service);
        return until != null && now.isBefore(until);
    }

    /** Takes one request out of a storm counted in requests: true while that storm lasts. */
    public boolean takeStormRequest(String service) {
        AtomicLong left = stormRequestsLeft.get(service);
        return left != null && left.getAndUpdate(n -> Math.max(n - 1, 0)) > 0;
    }

    /**
     * Takes one write whose answer is to be lost: true while lostAnswers has some left and no answer was lost on
     * this path yet, so the client's retry is answered and the next kind of write meets the fault.
     */
    public synchronized boolean takeLostAnswer(String service, String path) {
        AtomicLong left = lostAnswersLeft.get(service);
        if (left == null || left.get() == 0 || !lostPaths.computeIfAbsent(service, s -> new HashSet<>()).add(path)) {
            return false;
        }
        left.decrementAndGet();
        return true;
    }

    /** When the storm ends as a client is told: a storm counted in requests asks for a second's wait. */
    public Instant stormEnd(String service, Instant now) {
        Instant until = stormUntil.getOrDefault(service, Instant.EPOCH);
        return until.isAfter(now) ? until : now.plusSeconds(1);
    }

    /**
     * Applies a faults body: {"all": {knob: value}, "hypatos": {...}, "processingDelayMs": n,
     * "tokenLifetimeSeconds": n, "hangLimitSeconds": n}. Nothing changes if any part is wrong.
     */
    public synchronized SandboxSettings apply(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the faults body is a JSON object");
        }
        SandboxSettings settings = current.get();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            switch (key) {
                case "processingDelayMs" -> settings = settings.withProcessingDelay(Duration.ofMillis(number(key, value)));
                case "tokenLifetimeSeconds" -> settings = settings.withTokenLifetime(Duration.ofSeconds(number(key, value)));
                case "hangLimitSeconds" -> settings = settings.withHangLimit(Duration.ofSeconds(number(key, value)));
                default -> settings = applyService(settings, key, value);
            }
        }
        current.set(settings);
        startStorms(body, settings);
        return settings;
    }

    public synchronized void reset() {
        current.set(initial);
        stormUntil.clear();
        stormRequestsLeft.clear();
        lostAnswersLeft.clear();
        lostPaths.clear();
        startStorms(initial, Instant.now());
    }

    private static SandboxSettings applyService(SandboxSettings settings, String key, JsonNode knobs) {
        if (!key.equals("all") && !SandboxSettings.SERVICES.contains(key)) {
            throw new IllegalArgumentException("unknown key '" + key + "': use all, " + SandboxSettings.SERVICES
                    + ", processingDelayMs, tokenLifetimeSeconds or hangLimitSeconds");
        }
        if (!knobs.isObject()) {
            throw new IllegalArgumentException("'" + key + "' takes an object of knobs " + ServiceFaults.KNOBS);
        }
        SandboxSettings changed = settings;
        for (Iterator<Map.Entry<String, JsonNode>> it = knobs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> knob = it.next();
            changed = changed.withKnob(key.equals("all") ? null : key, knob.getKey(), knob.getValue().asText());
        }
        return changed;
    }

    /** A storm starts when its knob is given, so posting stormSeconds, stormRequests or lostAnswers again restarts it. */
    private void startStorms(JsonNode body, SandboxSettings settings) {
        Instant now = Instant.now();
        for (String service : SandboxSettings.SERVICES) {
            if (given(body, service, "stormSeconds")) {
                stormUntil.put(service, now.plusSeconds(settings.faults(service).stormSeconds()));
            }
            if (given(body, service, "stormRequests")) {
                stormRequestsLeft.put(service, new AtomicLong(settings.faults(service).stormRequests()));
            }
            if (given(body, service, "lostAnswers")) {
                lostAnswersLeft.put(service, new AtomicLong(settings.faults(service).lostAnswers()));
                lostPaths.remove(service);
            }
        }
    }

    private static boolean given(JsonNode body, String service, String knob) {
        return body.path(service).has(knob) || body.path("all").has(knob);
    }

    private void startStorms(SandboxSettings settings, Instant now) {
        for (String service : SandboxSettings.SERVICES) {
            long seconds = settings.faults(service).stormSeconds();
            if (seconds > 0) {
                stormUntil.put(service, now.plusSeconds(seconds));
            }
            stormRequestsLeft.put(service, new AtomicLong(settings.faults(service).stormRequests()));
            lostAnswersLeft.put(service, new AtomicLong(settings.faults(service).lostAnswers()));
        }
    }

    private static long number(String key, JsonNode value) {
        if (!value.canConvertToLong() && !value.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' takes a number");
        }
        try {
            return value.isTextual() ? Long.parseLong(value.asText().trim()) : value.asLong();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' takes a number");
        }
    }
}
