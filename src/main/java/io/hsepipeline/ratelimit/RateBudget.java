package io.hsepipeline.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.hsepipeline.failure.RetryAfter;

/**
 * The request budget the pipeline keeps itself, per service: at most {@code <service>.rate-limit} requests per
 * {@code rate-window-seconds}, split over {@code HSE_REPLICAS} replicas, spaced evenly (a whole window's worth
 * at once would trip a limit counted in fixed windows). A service that says its window is spent
 * (x-ratelimit-remaining 0, or a 429) holds every caller until the reset it names (see spentUntil for a reset
 * given in whole seconds). Callers wait in take().
 * <p>
 * When callers wait, the next request goes to the one whose exchange began in the earliest-listed route of
 * {@code hse.rate-budget.first-routes} (work further along: polls of documents Hypatos has processed, the transfer
 * after HSE Genius), then to the others in arrival order. Documents then leave while new ones start, instead of
 * every new upload going first and the finished work waiting behind the whole backlog. Work further along is
 * bounded by the documents already started, so new uploads are never starved for long.
 */
@Component("rateBudget")
public class RateBudget {

    private static final Logger LOG = LoggerFactory.getLogger(RateBudget.class);
    /**
     * The limit's requests are spread over the window and this much more: the arrival times of evenly spaced
     * requests vary with the network, and a window counted by arrival must seldom catch one too many. A time, not
     * a share of the limit: 20 ms is 2 % of a one-second window (Hypatos: 19.6 a second for 20; a rare 429 costs
     * a short pause, see refused) but 0.03 % of a minute (QEHS: 4.998 a second for 300 a minute, where a share of
     * 2 % left 6 requests a minute unused and made QEHS the pipeline's bottleneck).
     */
    private static final double SLACK_SECONDS = 0.020;
    private static final Duration LONGEST_HOLD = Duration.ofMinutes(2);

    private final Environment environment;
    private final int replicas;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final List<String> firstRoutes;

    public RateBudget(Environment environment) {
        this.environment = environment;
        this.replicas = Math.max(1, environment.getProperty("hse.replicas", Integer.class, 1));
        this.firstRoutes = Arrays.stream(environment.getProperty("hse.rate-budget.first-routes", "").split(","))
                .map(String::trim).filter(id -> !id.isEmpty()).toList();
    }

    /** Waits until the service's budget allows one more request; an arrival-order caller (the lowest rank). */
    public void take(String service) {
        bucket(service).take(firstRoutes.size());
    }

    /** Waits until the service's budget allows one more request, ranked by the route the exchange began in. */
    public void take(String service, Exchange exchange) {
        bucket(service).take(rank(exchange == null ? null : exchange.getFromRouteId()));
    }

    /** 0 for the first route of hse.rate-budget.first-routes, 1 for the next, ...; every other route ranks last. */
    int rank(String routeId) {
        int index = routeId == null ? -1 : firstRoutes.indexOf(routeId);
        return index < 0 ? firstRoutes.size() : index;
    }

    /**
     * Reads the service's x-ratelimit-remaining and x-ratelimit-reset headers from an answer (or a 429): when
     * nothing remains, callers are held until the reset.
     */
    public void observe(String service, Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String remaining = header(exchange, "x-ratelimit-remaining");
        String reset = header(exchange, "x-ratelimit-reset");
        boolean refused = status != null && status == 429;
        if (refused || "0".equals(remaining == null ? null : remaining.trim())) {
            Instant until = refused ? resetInstant(reset) : spentUntil(reset);
            if (until != null) {
                bucket(service).holdUntil(until);
            }
        }
    }

    /**
     * When a window the service says is spent (remaining 0, yet answered) resets. A whole number of seconds to wait
     * (Hypatos) is rounded up by the service: "1" is anywhere in the next second, mostly a few ms away, since the
     * budget's even spacing reaches a window's last request at its end. Holding the whole second idled the budget
     * for most of one second in two (Hypatos got about 14.5 of its 19.6 requests a second); the hold is the part
     * that is sure, the whole seconds less one. Should a request still come too early, its 429 holds callers by the
     * service's word (Retry-After) and it is retried.
     */
    static Instant spentUntil(String reset) {
        if (reset != null && reset.trim().matches("\\d{1,6}")) {
            long seconds = Long.parseLong(reset.trim());
            return seconds <= 1 ? null : Instant.now().plusSeconds(Math.min(seconds - 1, LONGEST_HOLD.toSeconds()));
        }
        return resetInstant(reset);
    }

    /**
     * A 429 with this Retry-After or x-ratelimit-reset value: every caller of the service waits for the reset, not
     * only the one refused. A reset given as whole seconds to wait is rounded up by the service, like a spent
     * window's (see spentUntil): the budget's even spacing makes a refused request its window's last, so the
     * reset is mostly a few ms away. Only the seconds that are sure are held, then a short pause (two of the
     * budget's intervals, at least 100 ms); a refusal again within the second doubles the pause, up to the whole
     * second. Holding every refusal's whole second cost Hypatos 20 requests each (about 4 s of a 500-document run).
     * Other units (a Unix time, milliseconds, an HTTP date) are exact and held as given.
     */
    public void refused(String service, String reset) {
        if (service != null && reset != null) {
            heldAfterRefusal(service, reset);
        }
    }

    /** What refused does; the hold it set (null: none). */
    Instant heldAfterRefusal(String service, String reset) {
        String value = reset.split("[,;]")[0].trim();
        Bucket bucket = bucket(service);
        Instant until;
        if (value.matches("\\d{1,6}")) {
            long seconds = Math.min(Math.max(Long.parseLong(value), 1), LONGEST_HOLD.toSeconds());
            until = Instant.now().plusSeconds(seconds - 1).plus(bucket.refusalPause());
        } else {
            until = resetInstant(value);
        }
        if (until != null) {
            bucket.holdUntil(until);
        }
        return until;
    }

    /** A wait the service asked for: every caller of the service waits it out, not only the one refused. */
    public void holdFor(String service, Duration wait) {
        if (service != null && wait != null && !wait.isNegative()) {
            bucket(service).holdUntil(Instant.now().plus(wait.compareTo(LONGEST_HOLD) > 0 ? LONGEST_HOLD : wait));
        }
    }

    /** The callers waiting for the service's budget right now. */
    int waiting(String service) {
        return bucket(service).waiting();
    }

    /** The requests a second this replica may send to the service; 0 when the service has no limit set. */
    public double perSecond(String service) {
        return bucket(service).perSecond;
    }

    private Bucket bucket(String service) {
        return buckets.computeIfAbsent(service.toLowerCase(Locale.ROOT), s -> {
            double limit = environment.getProperty("hse." + s + ".rate-limit", Double.class, 0.0);
            double window = environment.getProperty("hse." + s + ".rate-window-seconds", Double.class, 1.0);
            double perSecond = limit <= 0 || window <= 0 ? 0 : limit / (window + SLACK_SECONDS) / replicas;
            if (perSecond > 0) {
                LOG.info("Rate budget for {}: {} requests a second on this replica ({} per {} s over {} replicas)",
                        s, String.format(Locale.ROOT, "%.2f", perSecond), limit, window, replicas);
            }
            return new Bucket(perSecond);
        });
    }

    private static String header(Exchange exchange, String name) {
        Object value = exchange.getMessage().getHeader(name);
        return value == null ? null : value.toString();
    }

    /** The reset a service named (seconds to wait, a Unix time in seconds or milliseconds, an HTTP date), capped. */
    static Instant resetInstant(String reset) {
        if (reset == null || reset.isBlank()) {
            return null;
        }
        Instant now = Instant.now();
        return RetryAfter.parse(reset.split("[,;]")[0].trim(), Clock.systemUTC())
                .map(wait -> now.plus(wait.compareTo(LONGEST_HOLD) > 0 ? LONGEST_HOLD : wait))
                .orElse(null);
    }

    /**
     * Even spacing: the next request may go at next; a hold from the service pushes next later. Waiting callers
     * queue by rank, then arrival: only the head of the queue sleeps until next, the others until they are head.
     */
    private static final class Bucket {
        private static final Comparator<Waiter> ORDER = Comparator.comparingInt(Waiter::rank).thenComparingLong(Waiter::arrival);
        private static final long LONGEST_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

        private final double perSecond;
        private final long intervalNanos;
        // a Condition waits to the nanosecond (Object.wait rounds up to whole milliseconds, a 2 % loss at 20/s)
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition turn = lock.newCondition();
        private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(ORDER);
        private long arrivals;
        private long next = System.nanoTime();
        // the last refusal (System.nanoTime(), 0: none yet) and the pause it was given
        private long lastRefusal;
        private long pauseNanos;

        Bucket(double perSecond) {
            this.perSecond = perSecond;
            this.intervalNanos = perSecond <= 0 ? 0 : (long) (1e9 / perSecond);
        }

        void take(int rank) {
            if (intervalNanos == 0 && !held()) {
                return;
            }
            lock.lock();
            try {
                Waiter me = new Waiter(rank, arrivals++);
                // came while the slot ahead was still to come: this caller waited for the schedule
                boolean queued = System.nanoTime() - next < 0 || !waiting.isEmpty();
                waiting.add(me);
                try {
                    while (true) {
                        long now = System.nanoTime();
                        boolean head = waiting.peek() == me;
                        if (head && now - next >= 0) {
                            waiting.poll();
                            // a caller that waited keeps the schedule's spacing, not that from when it woke: a
                            // wake a few ms late (a busy machine) would otherwise slow every slot after it. One
                            // that found the budget idle starts the schedule again from now; after a long stall
                            // (a GC pause) at most one slot is made up, never a burst
                            next = (queued ? Math.max(next, now - intervalNanos) : now) + intervalNanos;
                            // the new head starts its own wait for the slot after this one
                            turn.signalAll();
                            return;
                        }
                        // a caller that is not the head is woken when the head leaves; the cap covers a head that
                        // ranks lower than a caller arriving later (it is overtaken, so it must look again)
                        turn.awaitNanos(head ? Math.min(next - now, LONGEST_PARK_NANOS) : LONGEST_PARK_NANOS);
                    }
                } catch (InterruptedException e) {
                    waiting.remove(me);
                    turn.signalAll();
                    Thread.currentThread().interrupt();
                }
            } finally {
                lock.unlock();
            }
        }

        int waiting() {
            lock.lock();
            try {
                return waiting.size();
            } finally {
                lock.unlock();
            }
        }

        private boolean held() {
            lock.lock();
            try {
                return next - System.nanoTime() > 0;
            } finally {
                lock.unlock();
            }
        }

        /**
         * The pause after a refusal's sure seconds: two intervals (at least 100 ms) for a refusal out of the blue,
         * twice the last pause for one within a second of the last, never more than the second a reset rounds up.
         */
        Duration refusalPause() {
            lock.lock();
            try {
                long now = System.nanoTime();
                long base = Math.max(TimeUnit.MILLISECONDS.toNanos(100), 2 * intervalNanos);
                boolean again = lastRefusal != 0 && now - lastRefusal < TimeUnit.SECONDS.toNanos(1);
                pauseNanos = Math.min(again ? 2 * pauseNanos : base, TimeUnit.SECONDS.toNanos(1));
                lastRefusal = now;
                return Duration.ofNanos(pauseNanos);
            } finally {
                lock.unlock();
            }
        }

        void holdUntil(Instant until) {
            long nanos = TimeUnit.MILLISECONDS.toNanos(Duration.between(Instant.now(), until).toMillis());
            if (nanos > 0) {
                lock.lock();
                try {
                    next = Math.max(next, System.nanoTime() + nanos);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private record Waiter(int rank, long arrival) {
    }
}
