package io.hsepipeline.failure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * How long a service asks us to wait, from {@code Retry-After} or {@code x-ratelimit-reset}, whatever unit the
 * vendor chose: seconds to wait, a Unix time in seconds or milliseconds, or an HTTP date.
 */
public final class RetryAfter {

    // below this a number is a wait in seconds; above it, a point in time (2001-09-09 in Unix seconds)
    private static final long EPOCH_SECONDS_FLOOR = 1_000_000_000L;
    private static final long EPOCH_MILLIS_FLOOR = 1_000_000_000_000L;

    private RetryAfter() {
    }

    public static Optional<Duration> parse(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String text = value.trim();
        Instant now = clock.instant();
        try {
            double number = Double.parseDouble(text);
            if (number < 0) {
                return Optional.empty();
            }
            if (number < EPOCH_SECONDS_FLOOR) {
                return Optional.of(Duration.ofMillis((long) (number * 1000)));
            }
            Instant at = number < EPOCH_MILLIS_FLOOR ? Instant.ofEpochMilli((long) (number * 1000))
                    : Instant.ofEpochMilli((long) number);
            return Optional.of(nonNegative(Duration.between(now, at)));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(nonNegative(Duration.between(now, at)));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
