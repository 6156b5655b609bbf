package io.hsepipeline.share;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.failure.ServiceFailure;
import io.hsepipeline.share.PipelineSettings.WatchedFolder;

/**
 * The share's folder layout ({@code processing/}, {@code done/}, {@code error/}, {@code duplicate/} and the
 * watched folders) and the only code that moves files between them. Files are moved, never deleted or
 * overwritten: a name already taken gets a numbered suffix.
 */
@Component
public class ShareFolders {

    public static final String PROCESSING = "processing";
    public static final String DONE = "done";
    public static final String ERROR = "error";
    public static final String DUPLICATE = "duplicate";

    private static final Logger LOG = LoggerFactory.getLogger(ShareFolders.class);

    private final Path root;
    private final List<WatchedFolder> watched;
    private final ObjectMapper json;

    public ShareFolders(PipelineSettings settings, ObjectMapper json) {
        this.root = settings.shareDir().toAbsolutePath().normalize();
        this.watched = settings.folders();
        this.json = json;
        createLayout();
    }

    public Path root() {
        return root;
    }

    public Path folder(String name) {
        return root.resolve(name);
    }

    public Path directoryOf(WatchedFolder folder) {
        return root.resolve(folder.path()).normalize();
    }

    public List<WatchedFolder> watchedFolders() {
        return watched;
    }

    public Optional<WatchedFolder> watchedFolder(String name) {
        return watched.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public Path processingPdf(String documentId) {
        return folder(PROCESSING).resolve(documentId + ".pdf");
    }

    /**
     * A PDF of the share that is about to be sent to a service. Anyone who can write to the share could put a
     * symbolic link there that points outside it, so a link is refused, never followed.
     */
    public Path regularFile(Path file) {
        if (Files.isSymbolicLink(file)) {
            throw new ServiceFailure("pipeline", "symbolic-link", file + " is a symbolic link; the pipeline never"
                    + " follows links on the share", "Put the PDF itself on the share, not a link to it.");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException(file + " is not a regular file on the share");
        }
        return file;
    }

    /** The bytes of a PDF of the share, read without following a link (see {@link #regularFile}). */
    public byte[] readPdf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(regularFile(file), LinkOption.NOFOLLOW_LINKS)) {
            return in.readAllBytes();
        }
    }

    /** The ids of the documents whose PDF is in processing/ (named {@code <documentId>.pdf}). */
    public List<String> processingDocumentIds() {
        Path processing = folder(PROCESSING);
        if (!Files.isDirectory(processing)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(processing)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.matches("[0-9a-f]{64}\\.pdf"))
                    .map(name -> name.substring(0, name.length() - ".pdf".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + processing, e);
        }
    }

    /** Moves a file into one of the share's folders under its own name, or a numbered variant if taken. */
    public Path moveInto(Path file, String folderName) {
        return moveTo(file, freeName(folder(folderName), file.getFileName().toString()));
    }

    /** Moves a file to an exact path, atomically where the file system allows it. */
    public Path moveTo(Path file, Path target) {
        try {
            Files.createDirectories(target.getParent());
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(file, target);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not move " + file + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes a JSON sidecar beside a file, through a temporary name so a reader never sees half of it. */
    public Path writeSidecar(Path besideFile, String suffix, Object content) {
        return writeJson(besideFile.resolveSibling(besideFile.getFileName() + suffix), content);
    }

    public Path writeJson(Path target, Object content) {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            json.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), content);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + target + ": " + e.getMessage(), e);
        }
    }

    public <T> T readJson(Path file, Class<T> type) {
        try {
            return json.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file name in dir, or a numbered variant of it where that name is taken. */
    public Path freeName(Path dir, String fileName) {
        Path candidate = dir.resolve(fileName);
        int dot = fileName.lastIndexOf('.');
        String base = dot > 0 ? fileName.substring(0, dot) : fileName;
        String ext = dot > 0 ? fileName.substring(dot) : "";
        for (int n = 2; Files.exists(candidate); n++) {
            candidate = dir.resolve(base + "-" + n + ext);
        }
        return candidate;
    }

    private void createLayout() {
        try {
            for (String name : List.of(PROCESSING, DONE, ERROR, DUPLICATE)) {
                Files.createDirectories(folder(name));
            }
            for (WatchedFolder folder : watched) {
                Files.createDirectories(directoryOf(folder));
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("A share folder path is taken by a file: " + e.getFile()
                    + ". Remove it or point HSE_SHARE_DIR elsewhere.", e);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the share folders under " + root + ": " + e.getMessage()
                    + ". Check HSE_SHARE_DIR and its permissions.", e);
        }
        LOG.info("Share at {}: watching {}", root,
                watched.stream().map(f -> f.name() + "=" + directoryOf(f)).toList());
    }
}
