package io.hsepipeline.share;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardCopyOption;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
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

    /** Longest file name, in bytes, that Linux file systems and SMB/NFS shares take. */
    public static final int NAME_MAX = 255;

    private static final Logger LOG = LoggerFactory.getLogger(ShareFolders.class);

    private final Path root;
    private final List<WatchedFolder> watched;
    private final ObjectMapper json;

    public ShareFolders(PipelineSettings settings, ObjectMapper json) {
        this.root = settings.shareDir().toAbsolutePath().normalize();
        this.watched = settings.folders();
        this.json = json;
        checkNotNested();
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

    /**
     * The watched folder a file was found in, and its subfolder there ({@code a/b}, or null directly in it).
     * Empty for a file outside every watched folder.
     */
    public Optional<Location> locate(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        for (WatchedFolder folder : watched) {
            Path dir = directoryOf(folder);
            if (parent != null && parent.startsWith(dir)) {
                Path relative = dir.relativize(parent);
                String sub = relative.toString().isEmpty() ? null : relative.toString().replace(java.io.File.separatorChar, '/');
                return Optional.of(new Location(folder.name(), sub));
            }
        }
        return Optional.empty();
    }

    /** Where a file of a watched folder was: the folder's name and the subfolder under it (null: none). */
    public record Location(String watchedFolder, String subfolder) {
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

    /** A PDF of the share opened for reading, without following a link (see {@link #regularFile}). */
    public FileChannel openPdf(Path file) throws IOException {
        return FileChannel.open(regularFile(file), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
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
        return moveInto(file, folderName, null);
    }

    /**
     * Moves a file into a subfolder (e.g. {@code a/b}, as it was under its watched folder; null for none) of one
     * of the share's folders under its own name, or a numbered variant if taken.
     */
    public Path moveInto(Path file, String folderName, String subfolder) {
        return moveTo(file, freeName(folderFor(folderName, subfolder), file.getFileName().toString()));
    }

    /** A share folder, or its subfolder of the given relative path ({@code a/b}; null or empty: the folder itself). */
    public Path folderFor(String folderName, String subfolder) {
        Path dir = folder(folderName);
        if (subfolder == null || subfolder.isEmpty()) {
            return dir;
        }
        for (String part : subfolder.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("Not a subfolder: " + subfolder);
            }
            Path next = dir.resolve(part);
            for (int n = 2; Files.exists(next, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS); n++) {
                // a file ended here under the folder's name (scan.pdf, then a folder scan.pdf/): the folder gets a number
                next = dir.resolve(fitName(part, "-" + n));
            }
            dir = next;
        }
        return dir;
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

    /**
     * Writes a JSON sidecar beside a file, through a temporary name so a reader never sees half of it. It is
     * named {@code <file name><suffix>}, or, where that exceeds {@link #NAME_MAX} bytes, after the file name
     * shortened by {@link #fitName}: the sidecar's {@code fileName} field keeps the whole name.
     */
    public Path writeSidecar(Path besideFile, String suffix, Object content) {
        return writeJson(besideFile.resolveSibling(fitName(besideFile.getFileName().toString(), suffix)), content);
    }

    /** Where {@link #writeSidecar} writes the sidecar of a file. */
    public static Path sidecarOf(Path file, String suffix) {
        return file.resolveSibling(fitName(file.getFileName().toString(), suffix));
    }

    /**
     * {@code name + suffix} when it fits in {@link #NAME_MAX} bytes (UTF-8); otherwise the name cut to fit,
     * followed by {@code ~} and 8 hex digits of the whole name's SHA-256 (so two long names cut alike differ),
     * then the suffix.
     */
    public static String fitName(String name, String suffix) {
        if (utf8Length(name + suffix) <= NAME_MAX) {
            return name + suffix;
        }
        String mark = "~" + HexFormat.of().formatHex(sha256(name), 0, 4);
        int budget = NAME_MAX - utf8Length(mark + suffix);
        StringBuilder kept = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int size = utf8Length(new String(Character.toChars(cp)));
            if (bytes + size > budget) {
                break;
            }
            kept.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return kept + mark + suffix;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM has no SHA-256", e);
        }
    }

    public Path writeJson(Path target, Object content) {
        Path temp = target.resolveSibling(fitName("." + target.getFileName(), ".tmp"));
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
        for (int n = 2; Files.exists(candidate, LinkOption.NOFOLLOW_LINKS); n++) {
            // a name at the length limit has no room for "-n": its base is cut to fit
            candidate = dir.resolve(fitName(base, "-" + n + ext));
        }
        return candidate;
    }

    /**
     * A watched folder inside another, or inside (or around) processing/, done/, error/ or duplicate/, would
     * have intake walk files the pipeline already moved, or take the share's own folders as new documents.
     */
    private void checkNotNested() {
        List<String> problems = new ArrayList<>();
        for (WatchedFolder folder : watched) {
            Path dir = directoryOf(folder);
            for (String own : List.of(PROCESSING, DONE, ERROR, DUPLICATE)) {
                Path ownDir = folder(own);
                if (dir.startsWith(ownDir) || ownDir.startsWith(dir)) {
                    problems.add("watched folder '" + folder.name() + "' (" + dir + ") and the share's " + own
                            + "/ (" + ownDir + ") lie inside one another");
                }
            }
            for (WatchedFolder other : watched) {
                Path otherDir = directoryOf(other);
                if (other != folder && watched.indexOf(other) > watched.indexOf(folder)
                        && (dir.startsWith(otherDir) || otherDir.startsWith(dir))) {
                    problems.add("watched folders '" + folder.name() + "' (" + dir + ") and '" + other.name() + "' ("
                            + otherDir + ") lie inside one another");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Intake walks each watched folder with its subfolders, so no watched"
                    + " folder may contain, or lie in, another one or processing/, done/, error/, duplicate/: "
                    + String.join("; ", problems) + ". Give each watched folder (hse.folders[].path) a folder of its"
                    + " own beside them, e.g. inbox.");
        }
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
