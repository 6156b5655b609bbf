package io.hsepipeline.sandbox.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** How a reset header states when the window resets: vendors disagree, so clients must parse all three. */
public enum ResetHeaderFormat {
    /** Seconds until the reset (Hypatos). */
    SECONDS,
    /** Unix time of the reset, in seconds (QEHS). */
    UNIX,
    /** Unix time of the reset, in milliseconds. */
    MILLIS;

    public String format(Instant resetAt, Instant now) {
        return switch (this) {
            case SECONDS -> Long.toString(Math.max(0, (Duration.between(now, resetAt).toMillis() + 999) / 1000));
            case UNIX -> Long.toString(resetAt.getEpochSecond());
            case MILLIS -> Long.toString(resetAt.toEpochMilli());
        };
    }

    public static ResetHeaderFormat parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "seconds", "delta" -> SECONDS;
            case "unix", "epoch", "unix-seconds" -> UNIX;
            case "millis", "milliseconds", "unix-millis" -> MILLIS;
            default -> throw new IllegalArgumentException("reset header format must be seconds, unix or millis: " + value);
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
