package io.hsepipeline.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A copy of routes/mappings of a test's own, read at run time like the real one, so a test can break a mapping
 * (the cause of a failure an operator fixes) and repair it.
 */
final class Mappings {

    static final String HSEGENIUS_UPLOAD = "hsegenius-upload.jsonata";
    static final String QEHS_RECORD = "qehs-record.jsonata";

    private final Path dir;

    private Mappings(Path dir) {
        this.dir = dir;
    }

    static Mappings copy() {
        try {
            Path dir = Files.createTempDirectory("mappings");
            try (Stream<Path> files = Files.list(Path.of("routes/mappings"))) {
                for (Path file : files.toList()) {
                    Files.copy(file, dir.resolve(file.getFileName()));
                }
            }
            return new Mappings(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dir() {
        return dir;
    }

    /** The mapping fails every document with a JSONata error, as a mistyped edit would. */
    void breakMapping(String name) {
        write(name, "$error(\"mapping under repair\")");
    }

    void repair(String name) {
        try {
            Files.copy(Path.of("routes/mappings", name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String name, String content) {
        try {
            Path temp = Files.writeString(dir.resolve("." + name + ".tmp"), content);
            Files.move(temp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
