package io.hsepipeline.sandbox.ratelimit;

import java.time.Instant;

/** The outcome of one request against a client's budget, with what the rate-limit headers report. */
public record RateDecision(boolean allowed, int limit, int remaining, Instant resetAt, int windowSeconds) {
}
