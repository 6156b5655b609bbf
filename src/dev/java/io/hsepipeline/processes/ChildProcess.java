package io.hsepipeline.processes;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * One OS process of the harness: a JVM started from a command and environment that are kept, so it can be
 * started again after a kill. Its stdout and stderr go to one log file, appended across restarts.
 */
public class ChildProcess {

    private static final int TAIL_LINES = 40;

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final Path log;
    private volatile Process process;
    private volatile Instant startedAt;

    protected ChildProcess(String name, List<String> command, Map<String, String> environment,
                           Path workingDirectory, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory;
        this.log = log;
    }

    /** Starts the process (again, after a kill or stop); returns at once, see the subclasses' awaitReady. */
    public synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running already (pid " + pid() + ")");
        }
        try {
            Files.writeString(log, "=== " + name + " started " + Instant.now() + " ===\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            startedAt = Instant.now();
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** When the current (or last) run was started. */
    public Instant startedAt() {
        return startedAt;
    }

    public Path log() {
        return log;
    }

    /** The whole log, every run so far. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many log lines match the pattern (found anywhere in the line). */
    public long countLogLines(Pattern pattern) {
        return logText().lines().filter(line -> pattern.matcher(line).find()).count();
    }

    /** Waits until a log line matches; fails early, with the log's tail, if the process ends first. */
    public void awaitLog(Pattern pattern, Duration timeout) {
        awaitAlive("a log line matching " + pattern, timeout, () -> countLogLines(pattern) > 0);
    }

    /** SIGKILL: no shutdown hook runs, as when the machine or the OOM killer ends it. Waits until it is gone. */
    public void kill() {
        Process running = process;
        if (running == null) {
            return;
        }
        running.destroyForcibly();
        waitForExit(running, Duration.ofSeconds(30));
    }

    /** SIGTERM, the way an orchestrator stops it; SIGKILL if it has not ended within the grace period. */
    public void stop(Duration grace) {
        Process running = process;
        if (running == null || !running.isAlive()) {
            return;
        }
        running.destroy();
        if (!waitForExit(running, grace)) {
            kill();
        }
    }

    /** The last lines of the log, for failure messages. */
    public String logTail() {
        List<String> lines = logText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }

    /** Waits for the condition; if the process ends first, fails with its log tail instead of waiting on. */
    protected void awaitAlive(String what, Duration timeout, BooleanSupplier condition) {
        await(name + ": " + what).atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (!isAlive()) {
                throw new IllegalStateException(name + " ended (exit " + process.exitValue() + ") before "
                        + what + "; log " + log + ":\n" + logTail());
            }
            return false;
        });
    }

    private static boolean waitForExit(Process running, Duration timeout) {
        try {
            return running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return name + (isAlive() ? " (pid " + pid() + ")" : " (not running)");
    }
}
