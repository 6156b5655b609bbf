package io.hsepipeline.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One instance of the application (HsePipelineApplication) in its own JVM, on ports of its own. */
public final class PipelineProcess extends ChildProcess {

    private final int serverPort;
    private final int managementPort;

    PipelineProcess(String name, List<String> command, Map<String, String> environment, Path workingDirectory,
                    Path log, int serverPort, int managementPort) {
        super(name, command, environment, workingDirectory, log);
        this.serverPort = serverPort;
        this.managementPort = managementPort;
    }

    public int serverPort() {
        return serverPort;
    }

    public int managementPort() {
        return managementPort;
    }

    /** Waits until /actuator/health/readiness answers 200; returns the time since it was started. */
    public Duration awaitReady(Duration timeout) {
        awaitAlive("ready", timeout,
                () -> LoopbackHttp.status(managementPort, "/actuator/health/readiness") == 200);
        return Duration.between(startedAt(), Instant.now());
    }
}
