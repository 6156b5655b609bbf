package io.hsepipeline.processes;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.dev.KafkaBrokerMain;
import io.hsepipeline.sandbox.SandboxMain;
import io.hsepipeline.sandbox.SandboxSettings;

/**
 * The multi-process harness: a Kafka broker, the sandbox and pipeline instances, each a JVM of its own on
 * free loopback ports, logging to target/processes/&lt;run&gt;/&lt;name&gt;.log. Every process is ended by
 * close(), at JVM exit, and (through ParentWatch) when the JVM that started it dies.
 */
public final class ProcessGroup implements AutoCloseable {

    /** Modest heap, quick start on 2 cores (C1 only), exit rather than limp on after an OutOfMemoryError. */
    public static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true");

    private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ChildProcess::kill), "process-group-cleanup"));
    }

    private final Path projectDirectory;
    private final Path directory;
    private final String classPath;
    private final List<ChildProcess> processes = new ArrayList<>();
    private final List<Path> temporary = new ArrayList<>();
    /** How this JVM's groups launch application instances: null, the harness's own class path (see below). */
    private static volatile String pipelineClassPath;
    private static volatile List<String> pipelineJvmOptions = List.of();

    private ProcessGroup(Path projectDirectory, Path directory, String classPath) {
        this.projectDirectory = projectDirectory;
        this.directory = directory;
        this.classPath = classPath;
    }

    /**
     * A group whose logs go to target/processes/&lt;run&gt;-&lt;time&gt;/, for processes started from the
     * project directory (the working directory) with this JVM's class path.
     */
    public static ProcessGroup create(String run) {
        Path project = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        try {
            Path directory = Files.createDirectories(project.resolve("target/processes/" + run + "-" + stamp));
            return new ProcessGroup(project, directory, classPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the logs are. */
    public Path directory() {
        return directory;
    }

    /**
     * Application instances that any group of this JVM starts from now on run with this class path and these JVM
     * options (before those given to startPipeline): the bench's jar-only class path and its class data archive.
     * The class path must hold ParentWatch, each child's main class.
     */
    public static void launchPipelinesWith(String classPath, List<String> jvmOptions) {
        pipelineClassPath = classPath;
        pipelineJvmOptions = List.copyOf(jvmOptions);
    }

    /** Starts a KRaft broker on free ports, its log directory in a new temporary folder; see awaitReady. */
    public synchronized KafkaBrokerProcess startBroker() {
        try {
            Path logDir = Files.createTempDirectory("hse-processes-kafka");
            temporary.add(logDir);
            int port = FreePorts.next();
            KafkaBrokerProcess broker = new KafkaBrokerProcess(
                    command(KafkaBrokerMain.class, List.of(), logDir.toString(), String.valueOf(port),
                            String.valueOf(FreePorts.next())),
                    environment(Map.of()), projectDirectory, directory.resolve("kafka.log"), port);
            return started(broker);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the sandbox on free ports with the given SANDBOX_* settings (processing delay, latency, rate
     * limits: docs/sandbox.md); its ports are chosen here, whatever the settings say.
     */
    public synchronized SandboxProcess startSandbox(Map<String, String> sandboxSettings) {
        return startSandbox(sandboxSettings, List.of());
    }

    /** As startSandbox(settings), with more JVM options after the usual ones (a later -Xmx wins). */
    public synchronized SandboxProcess startSandbox(Map<String, String> sandboxSettings, List<String> jvmOptions) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Map<String, String> env = new HashMap<>(sandboxSettings);
        for (String service : SandboxSettings.SERVICES) {
            int port = FreePorts.next();
            ports.put(service, port);
            env.put("SANDBOX_" + service.toUpperCase() + "_PORT", String.valueOf(port));
        }
        return started(new SandboxProcess(command(SandboxMain.class, jvmOptions), environment(env), projectDirectory,
                directory.resolve("sandbox.log"), ports));
    }

    /**
     * Starts an application instance with the given settings (environment variables: share, Kafka, the
     * sandbox's settings, ...) on free ports of its own, reading the project's routes and mappings.
     */
    public synchronized PipelineProcess startPipeline(String name, Map<String, String> settings) {
        return startPipeline(name, settings, List.of());
    }

    /** As startPipeline(name, settings), with more JVM options after the usual ones (e.g. -Xmx256m wins). */
    public synchronized PipelineProcess startPipeline(String name, Map<String, String> settings,
                                                     List<String> jvmOptions) {
        int serverPort = FreePorts.next();
        int managementPort = FreePorts.next();
        Map<String, String> env = new HashMap<>();
        env.put("HSE_ROUTES", "file:" + projectDirectory.resolve("routes") + "/*.camel.yaml");
        env.put("HSE_MAPPINGS_DIR", projectDirectory.resolve("routes/mappings").toString());
        env.putAll(settings);
        env.put("SERVER_PORT", String.valueOf(serverPort));
        env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
        List<String> options = new ArrayList<>(pipelineJvmOptions);
        options.addAll(jvmOptions);
        Map<String, String> environment = environment(env);
        String launchClassPath = pipelineClassPath;
        if (launchClassPath != null) {
            environment.put("CLASSPATH", launchClassPath);
        }
        return started(new PipelineProcess(name, command(HsePipelineApplication.class, options), environment,
                projectDirectory, directory.resolve(name + ".log"), serverPort, managementPort));
    }

    /** SIGKILLs whatever still runs and removes the broker's temporary log directory; the logs stay. */
    @Override
    public synchronized void close() {
        processes.forEach(ChildProcess::kill);
        processes.forEach(LIVE::remove);
        temporary.forEach(ProcessGroup::deleteTree);
    }

    /** Removes the logs too: for a run that passed. */
    public void deleteLogs() {
        deleteTree(directory);
    }

    private <P extends ChildProcess> P started(P process) {
        processes.add(process);
        LIVE.add(process);
        process.start();
        return process;
    }

    private List<String> command(Class<?> main, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.add(ParentWatch.class.getName());
        command.add(String.valueOf(ProcessHandle.current().pid()));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** The class path goes in CLASSPATH, not on the command line, where a few hundred jars would be too long to read. */
    private Map<String, String> environment(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("CLASSPATH", classPath);
        return env;
    }

    /** Surefire's real test class path (its own java.class.path may be a manifest-only jar), else this JVM's. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        String path = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
        return String.join(File.pathSeparator, Stream.of(path.split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).toList());
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
