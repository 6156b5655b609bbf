package io.hsepipeline.dev;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.sandbox.Sandbox;
import io.hsepipeline.sandbox.SandboxSettings;

/**
 * make run: an embedded KRaft broker (unless KAFKA_BOOTSTRAP_SERVERS names one), the sandbox standing in
 * for the four services, and the application wired to both, in the local profile. Ctrl-C stops all three,
 * the application first.
 */
public final class LocalRun {

    private static final int KAFKA_PORT = 9092;
    private static final int KAFKA_CONTROLLER_PORT = 9093;

    public static void main(String[] args) throws Exception {
        DevLogging.quiet("kafka", "org.apache.kafka", "org.apache.zookeeper");
        Path share = Path.of(System.getenv().getOrDefault("HSE_SHARE_DIR", "data")).toAbsolutePath().normalize();
        String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        LocalKafka kafka = null;
        if (bootstrap == null || bootstrap.isBlank()) {
            System.out.println("Starting the embedded Kafka broker on localhost:" + KAFKA_PORT
                    + " (data in " + share.resolve("kafka") + ") ...");
            kafka = LocalKafka.start(share.resolve("kafka"), KAFKA_PORT, KAFKA_CONTROLLER_PORT);
            bootstrap = kafka.bootstrapServers();
        }
        System.setProperty("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        System.setProperty("HSE_SHARE_DIR", share.toString());

        Sandbox sandbox = Sandbox.start(SandboxSettings.fromEnvironment());
        // the environment wins over the sandbox, so one real service can be tried beside the stand-ins
        sandbox.applicationSettings().forEach((name, value) -> {
            if (System.getenv(name) == null) {
                System.setProperty(name, value);
            }
        });

        SpringApplication app = new SpringApplication(HsePipelineApplication.class);
        app.setAdditionalProfiles("local");
        app.setRegisterShutdownHook(false);
        ConfigurableApplicationContext context = app.run(args);

        LocalKafka broker = kafka;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping: application, sandbox, Kafka ...");
            context.close();
            sandbox.close();
            if (broker != null) {
                broker.close();
            }
            System.out.println("Stopped.");
        }, "local-run-shutdown"));

        printWelcome(context.getEnvironment(), share, bootstrap, sandbox);
    }

    private static void printWelcome(Environment env, Path share, String bootstrap, Sandbox sandbox) {
        String app = "http://localhost:" + env.getProperty("local.server.port", "8080");
        String management = "http://localhost:" + env.getProperty("local.management.port", "8081");
        Map<String, String> services = sandbox.applicationSettings();
        StringBuilder out = new StringBuilder()
                .append("\nhse-pipeline is running (local profile). Ctrl-C stops it.\n\n")
                .append("  Drop PDFs into    ").append(share.resolve("inbox")).append('\n');
        for (String folder : List.of("processing", "done", "error", "duplicate")) {
            out.append(String.format("  %-17s %s%n", folder + "/", share.resolve(folder)));
        }
        out.append('\n')
                .append("  Status page       ").append(app).append("/  (API: ").append(app).append("/api/documents)\n")
                .append("  Hawtio            ").append(management).append("/actuator/hawtio\n")
                .append("  Health            ").append(management).append("/actuator/health\n")
                .append("  Kafka             ").append(bootstrap).append('\n')
                .append("  Watch a topic     make tail TOPIC=hse.documents.received\n\n")
                .append("  Sandbox services (stand-ins for the real ones):\n");
        for (String service : List.of("HYPATOS", "HSEGENIUS", "FOURHSE", "QEHS")) {
            out.append(String.format("    %-10s %s%n", service, services.get(service + "_BASE_URL")));
        }
        out.append("  Sandbox credentials (made up, for the stand-ins only):\n");
        services.forEach((name, value) -> {
            if (!name.endsWith("_URL")) {
                out.append(String.format("    %-24s %s%n", name, value));
            }
        });
        System.out.println(out);
    }
}
