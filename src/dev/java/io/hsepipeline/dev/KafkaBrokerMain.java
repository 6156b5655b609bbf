package io.hsepipeline.dev;

import java.nio.file.Path;

/**
 * A KRaft broker as a process of its own, for the multi-process harness (io.hsepipeline.processes):
 * arguments are the log directory, the broker port and the controller port. SIGTERM stops it; a restart
 * on the same directory finds its topics and records again.
 */
public final class KafkaBrokerMain {

    /** Printed once the broker listens; the harness waits for it. */
    public static final String READY = "Kafka broker ready on ";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: KafkaBrokerMain <log dir> <port> <controller port>");
        }
        DevLogging.quiet("kafka", "org.apache.kafka", "org.apache.zookeeper");
        LocalKafka kafka;
        try {
            kafka = LocalKafka.start(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        } catch (Exception e) {
            // the broker's own threads would keep this JVM alive, and the harness waiting for it
            e.printStackTrace();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "kafka-broker-shutdown"));
        System.out.println(READY + kafka.bootstrapServers());
    }
}
