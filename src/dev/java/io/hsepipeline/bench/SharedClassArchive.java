package io.hsepipeline.bench;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.processes.FreePorts;
import io.hsepipeline.processes.ParentWatch;
import io.hsepipeline.processes.ProcessGroup;

/**
 * The application as the image runs it: from jars only (target/classes packed into one, then the runtime
 * dependencies of target/runtime-classpath.txt, no test libraries) with an AppCDS archive made by one training
 * start (-XX:ArchiveClassesAtExit, -Dspring.context.exit=onRefresh). Loading the classes from the archive
 * instead of parsing and verifying them from the jars saves about a third of the CPU a start takes.
 * CDS reads classes from jars only: a directory such as target/classes on the class path stops the archive.
 */
final class SharedClassArchive {

    private static final Duration TRAINING = Duration.ofMinutes(4);

    private final String classPath;
    private final List<String> jvmOptions;
    private final String note;

    private SharedClassArchive(String classPath, List<String> jvmOptions, String note) {
        this.classPath = classPath;
        this.jvmOptions = jvmOptions;
        this.note = note;
    }

    /** The harness's own way: the test class path, no archive. */
    static SharedClassArchive none(String note) {
        return new SharedClassArchive(null, List.of(), note);
    }

    /** The jars and the archive in directory, made anew; without target/runtime-classpath.txt none (see note). */
    static SharedClassArchive prepare(Path directory) throws IOException, InterruptedException {
        Path runtime = Path.of("target/runtime-classpath.txt");
        if (!Files.isRegularFile(runtime)) {
            return none("no " + runtime + " (make bench writes it): the application "
                    + "runs from the test class path, without a class data archive");
        }
        Files.createDirectories(directory);
        Path jar = directory.resolve("hse-pipeline-classes.jar");
        packClasses(jar);
        String classPath = jar.toAbsolutePath() + File.pathSeparator + Files.readString(runtime).trim();
        Path archive = directory.resolve("hse-pipeline.jsa").toAbsolutePath();
        Files.deleteIfExists(archive);
        Instant start = Instant.now();
        boolean trained = train(classPath, archive, directory);
        long seconds = Duration.between(start, Instant.now()).toSeconds();
        if (!trained || !Files.isRegularFile(archive)) {
            return new SharedClassArchive(classPath, List.of(), "training start failed (log " + directory.resolve("training.log")
                    + "): the application runs from jars without a class data archive");
        }
        return new SharedClassArchive(classPath, List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto"),
                "application from jars with a class data archive (" + Files.size(archive) / (1024 * 1024)
                        + " MB, training start " + seconds + " s)");
    }

    /** Every application instance the bench starts from now on: from the jars, with the archive when there is one. */
    void applyToAllPipelines() {
        if (classPath != null) {
            // BENCH_APP_JVM_OPTIONS: more options for the application, after the usual ones (e.g. -XX:TieredStopAtLevel=4)
            List<String> options = new java.util.ArrayList<>(jvmOptions);
            String more = System.getenv().getOrDefault("BENCH_APP_JVM_OPTIONS", "").trim();
            if (!more.isEmpty()) {
                options.addAll(List.of(more.split("\\s+")));
            }
            ProcessGroup.launchPipelinesWith(classPath, options);
        }
    }

    String note() {
        return note;
    }

    /** target/classes and the harness's ParentWatch (each child's main) in one jar, same bytes every run. */
    private static void packClasses(Path jar) throws IOException {
        Path classes = Path.of("target/classes");
        Path testClasses = Path.of("target/test-classes");
        String watch = ParentWatch.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            add(zip, classes);
            add(zip, testClasses.resolve(watch), watch);
        }
    }

    /** Folders get entries of their own: Spring's component scan finds a package in a jar only by its entry. */
    private static void add(JarOutputStream zip, Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(file -> !file.equals(root)).sorted().toList()) {
                String name = root.relativize(file).toString().replace(File.separatorChar, '/');
                if (Files.isDirectory(file)) {
                    JarEntry folder = new JarEntry(name + "/");
                    folder.setTime(0);
                    zip.putNextEntry(folder);
                    zip.closeEntry();
                } else {
                    add(zip, file, name);
                }
            }
        }
    }

    private static void add(JarOutputStream zip, Path file, String name) throws IOException {
        JarEntry entry = new JarEntry(name);
        entry.setTime(0);
        zip.putNextEntry(entry);
        Files.copy(file, zip);
        zip.closeEntry();
    }

    /**
     * One start that ends as soon as the context is refreshed (routes started), writing the archive at exit.
     * No broker: Kafka is reached in the background and only readiness waits for it.
     */
    private static boolean train(String classPath, Path archive, Path directory) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ProcessGroup.JVM_OPTIONS);
        command.add("-XX:ArchiveClassesAtExit=" + archive);
        command.add("-Dspring.context.exit=onRefresh");
        command.add(HsePipelineApplication.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("training.log").toFile());
        Path share = Files.createDirectories(directory.resolve("training-share"));
        builder.environment().put("CLASSPATH", classPath);
        builder.environment().put("HSE_SHARE_DIR", share.toAbsolutePath().toString());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + FreePorts.next());
        builder.environment().put("SERVER_PORT", String.valueOf(FreePorts.next()));
        builder.environment().put("MANAGEMENT_PORT", String.valueOf(FreePorts.next()));
        builder.environment().put("HSE_PREFLIGHT_AT_START", "false");
        builder.environment().put("HSE_ROUTES", "file:" + Path.of("routes").toAbsolutePath() + "/*.camel.yaml");
        builder.environment().put("HSE_MAPPINGS_DIR", Path.of("routes/mappings").toAbsolutePath().toString());
        Process process = builder.start();
        if (!process.waitFor(TRAINING.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            return false;
        }
        return true;
    }
}
