package io.hsepipeline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class RateBudgetTest {

    @Test
    void requestsAreSpacedToStayUnderTheLimitSplitOverReplicas() {
        RateBudget budget = new RateBudget(new MockEnvironment()
                .withProperty("hse.replicas", "2")
                .withProperty("hse.hypatos.rate-limit", "40")
                .withProperty("hse.hypatos.rate-window-seconds", "1"));
        assertThat(budget.perSecond("hypatos")).isEqualTo(0.98 * 40 / 2);
        long start = System.nanoTime();
        for (int i = 0; i < 11; i++) {
            budget.take("hypatos");
        }
        // 11 requests at 19.6 a second: the last one no sooner than 10 intervals after the first
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aServiceWithoutALimitIsNeverWaitedFor() {
        RateBudget budget = new RateBudget(new MockEnvironment());
        assertThat(budget.perSecond("hsegenius")).isZero();
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            budget.take("hsegenius");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aHoldFromTheServiceMakesEveryCallerWait() {
        RateBudget budget = new RateBudget(new MockEnvironment());
        budget.holdFor("qehs", Duration.ofMillis(300));
        long start = System.nanoTime();
        budget.take("qehs");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void resetHeadersAreReadInEveryUnitAndCapped() {
        Instant now = Instant.now();
        assertThat(RateBudget.resetInstant("2")).isBetween(now.plusMillis(1500), now.plusSeconds(3));
        assertThat(RateBudget.resetInstant(String.valueOf(now.getEpochSecond() + 30)))
                .isBetween(now.plusSeconds(28), now.plusSeconds(31));
        assertThat(RateBudget.resetInstant("100000")).isBefore(now.plus(Duration.ofMinutes(3)));
        assertThat(RateBudget.resetInstant("soon")).isNull();
        assertThat(RateBudget.resetInstant(null)).isNull();
    }
}
