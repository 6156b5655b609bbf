package io.hsepipeline.sandbox.inspect;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters for one stand-in: requests, answers by status, contract violations, 429s sent, injected faults. */
public final class ServiceStats {

    private final LongAdder requests = new LongAdder();
    private final LongAdder contractViolations = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder injectedErrors = new LongAdder();
    private final LongAdder injectedTimeouts = new LongAdder();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();

    public void request() {
        requests.increment();
    }

    public void answered(int status) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (status == 429) {
            rateLimited.increment();
        }
    }

    public void contractViolation() {
        contractViolations.increment();
    }

    public void injectedError() {
        injectedErrors.increment();
    }

    public void injectedTimeout() {
        injectedTimeouts.increment();
    }

    public Map<String, Object> describe() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("requests", requests.sum());
        Map<String, Long> statuses = new TreeMap<>();
        byStatus.forEach((status, count) -> statuses.put(Integer.toString(status), count.sum()));
        stats.put("responses", statuses);
        stats.put("contractViolations", contractViolations.sum());
        stats.put("rateLimited", rateLimited.sum());
        stats.put("injectedErrors", injectedErrors.sum());
        stats.put("injectedTimeouts", injectedTimeouts.sum());
        return stats;
    }

    public void clear() {
        requests.reset();
        contractViolations.reset();
        rateLimited.reset();
        injectedErrors.reset();
        injectedTimeouts.reset();
        byStatus.clear();
    }
}
