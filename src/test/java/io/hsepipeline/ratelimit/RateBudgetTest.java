package io.hsepipeline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class RateBudgetTest {

    @Test
    void requestsAreSpacedToStayUnderTheLimitSplitOverReplicas() {
        RateBudget budget = new RateBudget(new MockEnvironment()
                .withProperty("hse.replicas", "2")
                .withProperty("hse.hypatos.rate-limit", "40")
                .withProperty("hse.hypatos.rate-window-seconds", "1"));
        // the window's requests spread over the window and 20 ms: 40 / 1.02 s, half on each replica
        assertThat(budget.perSecond("hypatos")).isCloseTo(40 / 1.02 / 2, org.assertj.core.data.Offset.offset(1e-9));
        // a minute's window loses almost nothing to the slack: 300 a minute is 4.998 a second, not 4.9
        RateBudget qehs = new RateBudget(new MockEnvironment()
                .withProperty("hse.qehs.rate-limit", "300")
                .withProperty("hse.qehs.rate-window-seconds", "60"));
        assertThat(qehs.perSecond("qehs")).isBetween(4.99, 5.0);
        long start = System.nanoTime();
        for (int i = 0; i < 11; i++) {
            budget.take("hypatos");
        }
        // 11 requests at 19.6 a second: the last one no sooner than 10 intervals after the first
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void waitingCallersFromTheFirstRoutesGoAheadOfEarlierArrivals() throws Exception {
        RateBudget budget = new RateBudget(new MockEnvironment()
                .withProperty("hse.hypatos.rate-limit", "4")
                .withProperty("hse.hypatos.rate-window-seconds", "1")
                .withProperty("hse.rate-budget.first-routes", "hsegenius-upload,extract-poll"));
        assertThat(budget.rank("hsegenius-upload")).isZero();
        assertThat(budget.rank("extract-poll")).isEqualTo(1);
        assertThat(budget.rank("extract")).isEqualTo(2);
        assertThat(budget.rank(null)).isEqualTo(2);
        List<String> routes = List.of("extract", "extract", "extract", "extract-poll", "hsegenius-upload");
        List<Exchange> exchanges = routes.stream().map(RateBudgetTest::exchangeFrom).toList();
        // this slot is taken now, and the service holds the rest for a while: the callers below all queue, each
        // one in before the next arrives, however busy the machine, and none is served until every one waits
        budget.take("hypatos");
        budget.holdFor("hypatos", Duration.ofSeconds(1));
        List<String> order = new CopyOnWriteArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(routes.size());
        try {
            // three new uploads queue first, then a poll and a transfer arrive
            for (int i = 0; i < exchanges.size(); i++) {
                Exchange exchange = exchanges.get(i);
                callers.submit(() -> {
                    budget.take("hypatos", exchange);
                    order.add(exchange.getFromRouteId());
                });
                int queued = i + 1;
                await().atMost(Duration.ofSeconds(5)).until(() -> budget.waiting("hypatos") == queued);
            }
            assertThat(order).isEmpty();
            callers.shutdown();
            assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            callers.shutdownNow();
        }
        assertThat(order).containsExactly("hsegenius-upload", "extract-poll", "extract", "extract", "extract");
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

    private static Exchange exchangeFrom(String routeId) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getExchangeExtension().setFromRouteId(routeId);
        return exchange;
    }

    @Test
    void aSpentWindowWhoseResetIsRoundedUpToSecondsHoldsOnlyTheSecondsThatAreSure() {
        Instant now = Instant.now();
        // "1": the reset is somewhere in the next second, mostly at once: no hold (a 429 would still hold)
        assertThat(RateBudget.spentUntil("1")).isNull();
        assertThat(RateBudget.spentUntil("3")).isBetween(now.plusMillis(1900), now.plusSeconds(3));
        // a Unix time is exact: held until then
        assertThat(RateBudget.spentUntil(String.valueOf(now.getEpochSecond() + 30)))
                .isBetween(now.plusSeconds(28), now.plusSeconds(31));
        assertThat(RateBudget.spentUntil(null)).isNull();
    }

    @Test
    void aRefusalWhoseResetIsRoundedUpToSecondsHoldsTheSureSecondsThenAShortPauseThatGrowsWhenRefusedAgain() {
        RateBudget budget = new RateBudget(new MockEnvironment()
                .withProperty("hse.hypatos.rate-limit", "20")
                .withProperty("hse.hypatos.rate-window-seconds", "1"));
        Instant now = Instant.now();
        // "1": the reset is within the next second, mostly at once; two intervals (102 ms at 19.6/s), not 1 s
        Instant first = budget.heldAfterRefusal("hypatos", "1");
        assertThat(first).isBetween(now.plusMillis(100), now.plusMillis(400));
        // refused again within the second: the pause doubles
        Instant second = budget.heldAfterRefusal("hypatos", "1");
        assertThat(Duration.between(Instant.now(), second)).isGreaterThan(Duration.between(now, first).plusMillis(50));
        // "3": the two sure seconds, then the pause (doubled again, never beyond the rounded-up second)
        Instant third = budget.heldAfterRefusal("hypatos", "3");
        assertThat(third).isBetween(now.plusMillis(2300), now.plusSeconds(3).plusMillis(200));
        // a Unix time is exact: held until then
        Instant unix = budget.heldAfterRefusal("qehs", String.valueOf(now.getEpochSecond() + 30));
        assertThat(unix).isBetween(now.plusSeconds(28), now.plusSeconds(31));
        // and the hold reaches callers: the next one waits
        RateBudget fresh = new RateBudget(new MockEnvironment());
        fresh.refused("hypatos", "1");
        long start = System.nanoTime();
        fresh.take("hypatos");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(80));
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
