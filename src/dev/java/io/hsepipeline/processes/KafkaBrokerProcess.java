package io.hsepipeline.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.hsepipeline.dev.KafkaBrokerMain;

/** A single-node KRaft broker in its own JVM; a restart keeps its ports and its log directory. */
public final class KafkaBrokerProcess extends ChildProcess {

    private static final Pattern READY = Pattern.compile(Pattern.quote(KafkaBrokerMain.READY));

    private final int port;
    private int starts;

    KafkaBrokerProcess(List<String> command, Map<String, String> environment, Path workingDirectory, Path log,
                       int port) {
        super("kafka", command, environment, workingDirectory, log);
        this.port = port;
    }

    @Override
    public synchronized void start() {
        super.start();
        starts++;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Waits until this run of the broker says it listens; returns the time since it was started. */
    public Duration awaitReady(Duration timeout) {
        int expected = starts;
        awaitAlive("broker ready", timeout, () -> countLogLines(READY) >= expected);
        return Duration.between(startedAt(), java.time.Instant.now());
    }
}
