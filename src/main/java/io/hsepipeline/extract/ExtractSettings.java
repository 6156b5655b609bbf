package io.hsepipeline.extract;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code hse.extract.*}: how often and how long a document at Hypatos is polled.
 *
 * @param pollFirstMillis the first check after process-file
 * @param pollGrowth      each wait is this many times the one before
 * @param pollMaxMillis   no wait between two checks is longer
 * @param maxWait         a document still new or processing after this long fails as timeout
 * @param reviewWait      a document waiting for review (reviewRequired, inCompletion) this long fails as needs-review
 */
@ConfigurationProperties("hse.extract")
public record ExtractSettings(long pollFirstMillis, double pollGrowth, long pollMaxMillis, Duration maxWait,
                              Duration reviewWait, long rescanMillis) {
}
