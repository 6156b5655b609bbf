package io.hsepipeline.sandbox.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hsepipeline.sandbox.contract.ContractValidator;
import io.hsepipeline.sandbox.contract.ContractViolation;
import io.hsepipeline.sandbox.fault.RuntimeKnobs;
import io.hsepipeline.sandbox.fault.ServiceFaults;
import io.hsepipeline.sandbox.http.ApiRequest;
import io.hsepipeline.sandbox.http.ApiResponse;
import io.hsepipeline.sandbox.http.BadRequestException;
import io.hsepipeline.sandbox.http.Routes;
import io.hsepipeline.sandbox.inspect.CallLog;
import io.hsepipeline.sandbox.inspect.InspectionEndpoints;
import io.hsepipeline.sandbox.inspect.RecordedCall;
import io.hsepipeline.sandbox.inspect.ServiceStats;
import io.hsepipeline.sandbox.ratelimit.FixedWindowRateLimiter;
import io.hsepipeline.sandbox.ratelimit.RateDecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves one stand-in on its own loopback port. Each API request goes through, in order: latency, a possible
 * timeout (never answered), a possible injected 5xx, a 429 storm, the client's rate limit, the credentials
 * (before anything else about the request, as the real services check them), the OpenAPI contract, then the
 * service's route. /_sandbox requests go to the inspection endpoints only.
 */
public final class ServiceServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceServer.class);
    private static final int[] INJECTED_STATUSES = {500, 502, 503};

    private final ServiceApi api;
    private final Routes routes;
    private final RuntimeKnobs knobs;
    private final ContractValidator contract;
    private final InspectionEndpoints inspection;
    private final CallLog calls;
    private final ServiceStats stats;
    private final FixedWindowRateLimiter limiter = new FixedWindowRateLimiter();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService executor;

    public ServiceServer(ServiceApi api, int port, RuntimeKnobs knobs, InspectionEndpoints inspection,
                         CallLog calls, ServiceStats stats) {
        this.api = api;
        this.routes = api.routes();
        this.knobs = knobs;
        this.contract = ContractValidator.forContract(api.contractFile());
        this.inspection = inspection;
        this.calls = calls;
        this.stats = stats;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sandbox-" + api.name() + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port + " for " + api.name(), e);
        }
        server.createContext("/", this::exchange);
        server.setExecutor(executor);
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void clearRateLimits() {
        limiter.clear();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void exchange(HttpExchange exchange) {
        try (exchange) {
            ApiRequest request;
            try {
                request = read(exchange);
            } catch (BadRequestException e) {
                send(exchange, api.error(400, "Bad request", e.getMessage(), List.of()));
                return;
            }
            if (request.path().startsWith("/_sandbox/")) {
                send(exchange, inspection.handle(request));
            } else {
                serve(exchange, request);
            }
        } catch (IOException e) {
            LOG.debug("{}: client went away: {}", api.name(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{}: request failed inside the sandbox", api.name(), e);
        }
    }

    private void serve(HttpExchange exchange, ApiRequest request) throws IOException {
        long started = System.nanoTime();
        ServiceFaults faults = knobs.faults(api.name());
        stats.request();
        pause(faults);
        String client = api.clientKey(request);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (faults.timeoutRate() > 0 && random.nextDouble() < faults.timeoutRate()) {
            stats.injectedTimeout();
            record(request, client, 0, started, List.of());
            hang();
            return;
        }
        Instant now = Instant.now();
        RateDecision decision = null;
        List<ContractViolation> violations = List.of();
        ApiResponse response;
        if (faults.errorRate() > 0 && random.nextDouble() < faults.errorRate()) {
            stats.injectedError();
            int status = INJECTED_STATUSES[random.nextInt(INJECTED_STATUSES.length)];
            response = api.error(status, "Injected fault", "the sandbox answered " + status + " on purpose", List.of());
        } else if (knobs.inStorm(api.name(), now) || knobs.takeStormRequest(api.name())) {
            decision = new RateDecision(false, Math.max(faults.rateLimit(), 1), 0, knobs.stormEnd(api.name(), now),
                    faults.rateWindowSeconds());
            response = api.rateLimited(decision, faults.resetHeaderFormat(), now);
        } else {
            if (faults.rateLimit() > 0) {
                decision = limiter.take(client, faults.rateLimit(), faults.rateWindowSeconds(), now);
            }
            if (decision != null && !decision.allowed()) {
                response = api.rateLimited(decision, faults.resetHeaderFormat(), now);
            } else {
                // a path the service does not serve is 404 whoever asks; on a served path credentials come first
                Optional<ApiResponse> unauthenticated = routes.servesPath(request.path())
                        ? api.refuseCredentials(request) : Optional.empty();
                if (unauthenticated.isPresent()) {
                    response = unauthenticated.get();
                } else {
                    violations = contract.validate(request);
                    response = violations.isEmpty() ? route(request) : refuse(violations);
                }
            }
        }
        if (decision != null) {
            api.addRateLimitHeaders(response, decision, faults.resetHeaderFormat(), now);
        }
        if (isWrite(request) && response.status() / 100 == 2 && knobs.takeLostAnswer(api.name(), request.path())) {
            // carried out, but the answer never reaches the client: it times out not knowing it succeeded
            stats.injectedTimeout();
            record(request, client, 0, started, violations);
            hang();
            return;
        }
        send(exchange, response);
        record(request, client, response.status(), started, violations);
    }

    private ApiResponse refuse(List<ContractViolation> violations) {
        stats.contractViolation();
        ContractViolation first = violations.get(0);
        String title = first.unknownPath() ? "Not found"
                : first.methodNotAllowed() ? "Method not allowed"
                : first.unsupportedContentType() ? "Content type not supported"
                : "Request does not match the API contract";
        String detail = String.join(" ", violations.stream().map(ContractViolation::message).toList());
        return api.error(first.status(), title, detail, violations);
    }

    private ApiResponse route(ApiRequest request) {
        try {
            return routes.match(request)
                    .map(match -> match.handler().handle(match.request()))
                    .orElseGet(() -> api.error(404, "Not found", "no resource at " + request.path(), List.of()));
        } catch (BadRequestException e) {
            return api.error(400, "Bad request", e.getMessage(), List.of());
        } catch (RuntimeException e) {
            LOG.warn("{}: handler failed for {} {}", api.name(), request.method(), request.path(), e);
            return api.error(500, "Internal server error", e.toString(), List.of());
        }
    }

    private void record(ApiRequest request, String client, int status, long started, List<ContractViolation> violations) {
        if (status > 0) {
            stats.answered(status);
        }
        calls.add(new RecordedCall(calls.nextSeq(), Instant.now().toString(), request.method(), request.path(),
                request.rawQuery(), request.contentType(), request.body().length, client, status,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                violations.stream().map(ContractViolation::message).toList()));
    }

    /** A request that changes something at the service; token requests only change the caller's session. */
    private static boolean isWrite(ApiRequest request) {
        return !request.method().equals("GET") && !request.method().equals("HEAD") && !request.path().contains("token");
    }

    private static void pause(ServiceFaults faults) {
        long jitter = faults.jitterMillis() == 0 ? 0
                : ThreadLocalRandom.current().nextLong(-faults.jitterMillis(), faults.jitterMillis() + 1);
        long millis = Math.max(0, faults.latencyMillis() + jitter);
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Holds the request unanswered until the hang limit or close(); the connection is then dropped. */
    private void hang() {
        try {
            closing.await(knobs.settings().hangLimit().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ApiRequest read(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        return new ApiRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
    }

    private static void send(HttpExchange exchange, ApiResponse response) throws IOException {
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        byte[] body = response.body();
        boolean noBody = body.length == 0 || response.status() == 204 || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
