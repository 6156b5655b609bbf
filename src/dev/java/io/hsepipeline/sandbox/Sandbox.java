package io.hsepipeline.sandbox;

import io.hsepipeline.sandbox.fault.RuntimeKnobs;
import io.hsepipeline.sandbox.fourhse.FourHseApi;
import io.hsepipeline.sandbox.hsegenius.HseGeniusApi;
import io.hsepipeline.sandbox.hypatos.HypatosApi;
import io.hsepipeline.sandbox.inspect.CallLog;
import io.hsepipeline.sandbox.inspect.InspectedService;
import io.hsepipeline.sandbox.inspect.InspectionEndpoints;
import io.hsepipeline.sandbox.inspect.ServiceStats;
import io.hsepipeline.sandbox.qehs.QehsApi;
import io.hsepipeline.sandbox.server.ServiceApi;
import io.hsepipeline.sandbox.server.ServiceServer;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** The four stand-ins, each on its own loopback port, sharing knobs and inspection. */
public final class Sandbox implements AutoCloseable {

    private final Map<String, ServiceServer> servers;
    private final ScheduledExecutorService scheduler;

    private Sandbox(Map<String, ServiceServer> servers, ScheduledExecutorService scheduler) {
        this.servers = servers;
        this.scheduler = scheduler;
    }

    /** Starts all four stand-ins; returns once every port listens. */
    public static Sandbox start(SandboxSettings settings) {
        // The JDK server writes headers and body separately; with Nagle on, each answer waits for a delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        quietValidatorLogging();
        RuntimeKnobs knobs = new RuntimeKnobs(settings);
        AtomicInteger threads = new AtomicInteger();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "sandbox-processing-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<ServiceApi> apis = List.of(new HypatosApi(knobs, scheduler), new HseGeniusApi(knobs, scheduler),
                new FourHseApi(knobs), new QehsApi());
        Map<String, InspectedService> inspected = new LinkedHashMap<>();
        for (ServiceApi api : apis) {
            inspected.put(api.name(), new InspectedService(new CallLog(), new ServiceStats(), api::entities, api::reset));
        }
        Map<String, ServiceServer> servers = new LinkedHashMap<>();
        InspectionEndpoints inspection = new InspectionEndpoints(inspected, knobs,
                () -> servers.values().forEach(ServiceServer::clearRateLimits));
        Sandbox sandbox = new Sandbox(servers, scheduler);
        try {
            for (ServiceApi api : apis) {
                InspectedService view = inspected.get(api.name());
                ServiceServer server = new ServiceServer(api, settings.port(api.name()), knobs, inspection,
                        view.calls(), view.stats());
                servers.put(api.name(), server);
                server.start();
            }
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
        return sandbox;
    }

    public int port(String service) {
        ServiceServer server = servers.get(service);
        if (server == null) {
            throw new IllegalArgumentException("unknown service '" + service + "', known: " + servers.keySet());
        }
        return server.port();
    }

    /** The application's settings (environment variable names) pointing at this sandbox. */
    public Map<String, String> applicationSettings() {
        return applicationSettings(this::port);
    }

    /** The application's settings pointing at a sandbox on these ports, e.g. one running in another process. */
    public static Map<String, String> applicationSettings(Function<String, Integer> portOf) {
        Function<String, String> url = service -> "http://localhost:" + portOf.apply(service);
        Map<String, String> app = new LinkedHashMap<>();
        app.put("HYPATOS_BASE_URL", url.apply(SandboxSettings.HYPATOS) + "/v2");
        app.put("HYPATOS_CLIENT_ID", DefaultCredentials.HYPATOS_CLIENT_ID);
        app.put("HYPATOS_CLIENT_SECRET", DefaultCredentials.HYPATOS_CLIENT_SECRET);
        app.put("HYPATOS_PROJECT_ID", DefaultCredentials.HYPATOS_PROJECT_ID);
        app.put("HSEGENIUS_BASE_URL", url.apply(SandboxSettings.HSEGENIUS));
        app.put("HSEGENIUS_EMAIL", DefaultCredentials.HSEGENIUS_EMAIL);
        app.put("HSEGENIUS_PASSWORD", DefaultCredentials.HSEGENIUS_PASSWORD);
        app.put("HSEGENIUS_CUSTOMER_ID", DefaultCredentials.HSEGENIUS_CUSTOMER_ID);
        app.put("FOURHSE_BASE_URL", url.apply(SandboxSettings.FOURHSE));
        app.put("FOURHSE_TOKEN_URL", url.apply(SandboxSettings.FOURHSE) + "/realms/" + DefaultCredentials.FOURHSE_REALM
                + "/protocol/openid-connect/token");
        app.put("FOURHSE_CLIENT_ID", DefaultCredentials.FOURHSE_CLIENT_ID);
        app.put("FOURHSE_USERNAME", DefaultCredentials.FOURHSE_USERNAME);
        app.put("FOURHSE_PASSWORD", DefaultCredentials.FOURHSE_PASSWORD);
        app.put("FOURHSE_API_KEY", DefaultCredentials.FOURHSE_API_KEY);
        app.put("FOURHSE_PROJECT_NAME", DefaultCredentials.FOURHSE_PROJECT_NAME);
        app.put("FOURHSE_RESOURCE_ID", DefaultCredentials.FOURHSE_RESOURCE_ID);
        app.put("FOURHSE_ACTION_ID", DefaultCredentials.FOURHSE_ACTION_ID);
        app.put("QEHS_BASE_URL", url.apply(SandboxSettings.QEHS));
        app.put("QEHS_API_KEY", DefaultCredentials.QEHS_API_KEY);
        app.put("QEHS_MODULE_KEY", DefaultCredentials.QEHS_MODULE_KEY);
        return app;
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        servers.values().forEach(server -> {
            try {
                server.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        });
        scheduler.shutdownNow();
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    /** The contract validator logs every unsupported security scheme at INFO, once per request. */
    private static void quietValidatorLogging() {
        if (LoggerFactory.getLogger("com.atlassian.oai.validator") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
