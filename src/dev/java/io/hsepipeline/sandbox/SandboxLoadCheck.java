package io.hsepipeline.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many simple requests a second the sandbox answers on loopback with zero latency: a contract-checked,
 * authenticated GET of a 4HSE certificate view (a 404) and of the QEHS module schema, from several client threads.
 * Usage: SandboxLoadCheck [requests, default 20000] [client threads, default 8].
 */
public final class SandboxLoadCheck {

    private SandboxLoadCheck() {
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        SandboxSettings settings = SandboxSettings.defaults().withPorts(0, 0, 0, 0)
                .withRateLimit(SandboxSettings.QEHS, 0, 60).withRateLimit(SandboxSettings.HYPATOS, 0, 60);
        try (Sandbox sandbox = Sandbox.start(settings)) {
            List<HttpRequest> targets = List.of(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + sandbox.port(SandboxSettings.FOURHSE)
                            + "/v2/certificate/view/5d1c3a52-7f0e-4b8a-9c11-5a0d6e2f4b01?access-token="
                            + DefaultCredentials.FOURHSE_API_KEY)).GET().build(),
                    HttpRequest.newBuilder(URI.create("http://localhost:" + sandbox.port(SandboxSettings.QEHS)
                            + "/api/v1/modules/" + DefaultCredentials.QEHS_MODULE_KEY))
                            .header("Authorization", "Bearer " + DefaultCredentials.QEHS_API_KEY).GET().build());
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            run(client, targets, Math.min(2_000, requests), threads);
            long started = System.nanoTime();
            long failures = run(client, targets, requests, threads);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("%d requests from %d client threads in %.2f s: %.0f requests/second, %d unexpected answers%n",
                    requests, threads, seconds, requests / seconds, failures);
        }
    }

    /** Sends the requests round-robin over the targets; returns how many were not the expected 200 or 404. */
    private static long run(HttpClient client, List<HttpRequest> targets, int requests, int threads) throws Exception {
        AtomicLong next = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    long i;
                    while ((i = next.getAndIncrement()) < requests) {
                        try {
                            int status = client.send(targets.get((int) (i % targets.size())),
                                    HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (status != 200 && status != 404) {
                                failures.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdown();
        }
        return failures.get();
    }
}
