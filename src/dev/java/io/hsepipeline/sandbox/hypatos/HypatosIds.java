package io.hsepipeline.sandbox.hypatos;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Ids shaped like Hypatos ids: 24 hex digits, seconds first, like Mongo object ids. */
final class HypatosIds {

    private final AtomicLong counter = new AtomicLong(ThreadLocalRandom.current().nextLong(1L << 40));

    String next() {
        return String.format("%08x%016x", Instant.now().getEpochSecond(), counter.incrementAndGet());
    }
}
