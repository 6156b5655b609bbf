package io.hsepipeline.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.springframework.stereotype.Component;

import io.hsepipeline.share.ShareFolders;

/**
 * What the pipeline has done for each document, kept on the share beside the files in
 * {@code .hse/<documentId>/<entry>.json}: every stage writes what it did before its next outside call, so a
 * restart continues where the kill left off instead of calling twice.
 */
@Component
public class DocumentJournal {

    private static final String FOLDER = ".hse";
    private static final String SUFFIX = ".json";
    private static final String LOCK = ".lock";

    private final ShareFolders share;
    private final Path root;
    // the documents whose entries a thread here changes right now, with how many threads want each: an entry goes
    // when its last user leaves, so the map holds the documents in work, not every document ever seen
    private final Map<String, Users> locks = new ConcurrentHashMap<>();

    public DocumentJournal(ShareFolders share) {
        this.share = share;
        this.root = share.root().resolve(FOLDER);
    }

    public <T> Optional<T> read(String documentId, String entry, Class<T> type) {
        Path file = file(documentId, entry);
        return Files.exists(file) ? Optional.of(share.readJson(file, type)) : Optional.empty();
    }

    public <T> T require(String documentId, String entry, Class<T> type) {
        return read(documentId, entry, type).orElseThrow(() -> new IllegalStateException(
                "Document " + documentId + " has no '" + entry + "' entry in " + root + "; was it received by this share?"));
    }

    public void write(String documentId, String entry, Object value) {
        try {
            Files.createDirectories(folder(documentId));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + folder(documentId), e);
        }
        share.writeJson(file(documentId, entry), value);
    }

    /**
     * Runs a read-modify-write of the document's entries alone: no other thread here and, through a file lock
     * in its journal folder, no other instance on the share runs one for the same document meanwhile.
     * Not reentrant across calls for the same document.
     */
    public <T> T exclusively(String documentId, Supplier<T> action) {
        Path folder = folder(documentId);
        Users users = locks.compute(documentId, (id, current) -> (current == null ? new Users() : current).join());
        try {
            synchronized (users) {
                Files.createDirectories(folder);
                try (FileChannel channel = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                    return action.get();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lock the journal of " + documentId + " in " + folder, e);
        } finally {
            locks.computeIfPresent(documentId, (id, current) -> current.leave() ? null : current);
        }
    }

    /** Documents some thread here is in {@link #exclusively} for right now. */
    int documentsInWork() {
        return locks.size();
    }

    /** The monitor of one document's read-modify-writes; its count changes only inside the map's compute. */
    private static final class Users {
        private int count;

        Users join() {
            count++;
            return this;
        }

        /** True when the last user left. */
        boolean leave() {
            return --count == 0;
        }
    }

    /** Deletes an entry; false when there was none. */
    public boolean remove(String documentId, String entry) {
        try {
            return Files.deleteIfExists(file(documentId, entry));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + file(documentId, entry), e);
        }
    }

    public boolean has(String documentId, String entry) {
        return Files.exists(file(documentId, entry));
    }

    /** Documents with an entry of this name. */
    public List<String> documentsWith(String entry) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(root)) {
            return folders.filter(dir -> Files.exists(dir.resolve(entry + SUFFIX)))
                    .map(dir -> dir.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + root, e);
        }
    }

    private Path folder(String documentId) {
        if (!documentId.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("Not a document id: " + documentId);
        }
        return root.resolve(documentId);
    }

    private Path file(String documentId, String entry) {
        return folder(documentId).resolve(entry + SUFFIX);
    }
}
