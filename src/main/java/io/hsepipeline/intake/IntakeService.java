package io.hsepipeline.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.journal.JournalIdempotentRepository;
import io.hsepipeline.pdf.PdfCheck;
import io.hsepipeline.pdf.PdfInspector;
import io.hsepipeline.share.PipelineSettings.WatchedFolder;
import io.hsepipeline.share.ShareFolders;
import io.hsepipeline.records.ReceivedDocument;

/**
 * The steps of the intake routes (routes/10-intake.camel.yaml): judge a file, set it aside with a reason,
 * or take it into {@code processing/} so that it can be published, and remember what was published. Whether
 * its bytes came before is the route's {@code idempotentConsumer} on the intake ledger ({@link IntakeLedger}).
 */
@Component
public class IntakeService {

    public static final String STAGE = "intake";
    /** Journal entry: the received record, written before the move to processing/. */
    public static final String RECEIVED = "received";
    /** The steps of intake-publish's once-only blocks (routes/10-intake.camel.yaml), keys in the journal. */
    static final String RECEIVED_STATUS_STEP = "received-status";
    static final String RECEIVED_RECORD_STEP = "received-record";
    /**
     * Journal entry of releases before intake-publish's once-only blocks: Kafka acknowledged the received and
     * status records. Still read, so that a document published by such a release counts as taken in; the two
     * once-only keys say the same since.
     */
    static final String PUBLISHED_BEFORE_KEYS = "published";

    private static final Logger LOG = LoggerFactory.getLogger(IntakeService.class);

    private final PdfInspector inspector;
    private final ShareFolders share;
    private final IntakeLedger ledger;
    private final DocumentJournal journal;
    private final Set<Path> waiting = ConcurrentHashMap.newKeySet();

    public IntakeService(PdfInspector inspector, ShareFolders share, IntakeLedger ledger, DocumentJournal journal) {
        this.inspector = inspector;
        this.share = share;
        this.ledger = ledger;
        this.journal = journal;
    }

    /**
     * Judges a file (see {@link #inspect}); a rejected one is set aside in error/ with its reason at once, so the
     * route goes on only with an accepted file.
     */
    public IntakeVerdict judge(String absolutePath, String watchedFolder) {
        IntakeVerdict verdict = inspect(absolutePath, watchedFolder);
        if (verdict.isRejected()) {
            setAsideRejected(verdict);
        }
        return verdict;
    }

    public IntakeVerdict inspect(String absolutePath, String watchedFolder) {
        Path path = Path.of(absolutePath);
        String subfolder = share.locate(path).map(ShareFolders.Location::subfolder).orElse(null);
        String before = fingerprint(path);
        PdfCheck check = before == null ? PdfCheck.disappeared() : inspector.inspect(path);
        if (check.later() == null && !check.gone()) {
            String after = fingerprint(path);
            if (after == null) {
                check = PdfCheck.disappeared();
            } else if (!after.equals(before)) {
                check = PdfCheck.later(check.size(), "it changed while it was read");
            }
        }
        IntakeVerdict verdict = new IntakeVerdict(path, watchedFolder, subfolder, check, before);
        if (check.later() != null) {
            if (waiting.add(path)) {
                LOG.info("{} in {} left for now ({}); looked at again on the next poll", path.getFileName(),
                        watchedFolder, check.later());
            }
        } else {
            waiting.remove(path);
        }
        if (check.gone()) {
            gone(verdict);
        }
        return verdict;
    }

    public void setAsideRejected(IntakeVerdict verdict) {
        PdfCheck.Rejection rejection = verdict.check().rejection();
        Path moved = moveIfUnchanged(verdict, ShareFolders.ERROR);
        if (moved == null) {
            return;
        }
        Map<String, Object> sidecar = new LinkedHashMap<>();
        sidecar.put("stage", STAGE);
        sidecar.put("reason", rejection.reason());
        sidecar.put("detail", rejection.detail());
        sidecar.put("time", Instant.now().toString());
        sidecar.put("action", rejection.action());
        sidecar.put("fileName", verdict.getFileName());
        sidecar.put("watchedFolder", verdict.watchedFolder());
        putSubfolder(sidecar, verdict.subfolder());
        if (verdict.getDocumentId() != null) {
            sidecar.put("documentId", verdict.getDocumentId());
        }
        share.writeSidecar(moved, ".error.json", sidecar);
        try (MDC.MDCCloseable about = aboutDocument(verdict.getDocumentId())) {
            LOG.warn("Rejected {} from {}: {} ({}) -> {}", verdict.getFileName(), verdict.watchedFolder(),
                    rejection.reason(), rejection.detail(), moved);
        }
    }

    /**
     * A symbolic link found in a watched folder (to a file, to a folder, or to nothing): moved, as a link, to
     * error/ with a {@code symbolic-link} sidecar. What it points to is never read. Never throws: it runs while
     * the folder is listed, and a failure here must not stop the listing.
     */
    public void setAsideLink(Path link) {
        try {
            ShareFolders.Location location = share.locate(link).orElse(new ShareFolders.Location(null, null));
            PdfCheck check = new PdfCheck(null, 0, 0, PdfInspector.symbolicLink());
            setAsideRejected(new IntakeVerdict(link, location.watchedFolder(), location.subfolder(), check,
                    fingerprint(link)));
        } catch (RuntimeException e) {
            LOG.warn("Could not set aside the symbolic link {}: {}; it is left where it is and never followed", link,
                    e.getMessage());
        }
    }

    /**
     * For a file whose bytes the intake ledger has seen: the file that brought them first, or null if the
     * file is to be judged again on the next poll. That is so while the first copy is still being taken in
     * here (its journal is not written yet), and when no document on the share answers to the id: a kill
     * came between its record in the ledger and its move to processing/, so the id is forgotten and the
     * file taken in as new next time.
     */
    FirstCopy firstCopy(IntakeVerdict verdict) {
        String documentId = verdict.getDocumentId();
        if (ledger.isTakingIn(documentId)) {
            LOG.info("{} in {} has the bytes of a file being taken in right now; judged again on the next poll",
                    verdict.getFileName(), verdict.watchedFolder());
            return null;
        }
        if (takenIn(documentId)) {
            return takenInAs(documentId);
        }
        if (ledger.forgetUnless(documentId, () -> takenIn(documentId))) {
            LOG.warn("{} in {}: the intake ledger has its document {} but no file on the share does (a stop "
                    + "between the ledger and the move); taken in as new on the next poll", verdict.getFileName(),
                    verdict.watchedFolder(), documentId);
            return null;
        }
        return firstCopy(verdict);
    }

    private FirstCopy takenInAs(String documentId) {
        return journal.read(documentId, RECEIVED, ReceivedDocument.class).map(FirstCopy::of)
                .orElse(new FirstCopy(documentId, null, null, null));
    }

    /** Whether the document was taken in: its PDF is in processing/ (maybe not yet published) or was published. */
    private boolean takenIn(String documentId) {
        return isPublished(documentId) || Files.exists(share.processingPdf(documentId));
    }

    /** Whether Kafka acknowledged both the document's records: intake-publish's two once-only keys are written. */
    boolean isPublished(String documentId) {
        return journal.has(documentId, JournalIdempotentRepository.entryOf(RECEIVED_RECORD_STEP))
                && journal.has(documentId, JournalIdempotentRepository.entryOf(RECEIVED_STATUS_STEP))
                || journal.has(documentId, PUBLISHED_BEFORE_KEYS);
    }

    /**
     * A file whose bytes the intake ledger has seen: set aside in duplicate/, naming the file that brought them
     * first, or left for the next poll when {@link #firstCopy} finds none yet.
     */
    public void setAsideDuplicate(IntakeVerdict verdict) {
        FirstCopy first = firstCopy(verdict);
        if (first != null) {
            setAsideDuplicate(verdict, first);
        }
    }

    private void setAsideDuplicate(IntakeVerdict verdict, FirstCopy first) {
        Path moved = moveIfUnchanged(verdict, ShareFolders.DUPLICATE);
        if (moved == null) {
            return;
        }
        Map<String, Object> sidecar = new LinkedHashMap<>();
        sidecar.put("stage", STAGE);
        sidecar.put("reason", "duplicate");
        sidecar.put("detail", "The same bytes arrived before as " + describe(first) + ".");
        sidecar.put("time", Instant.now().toString());
        sidecar.put("action", "Nothing to do: the document is processed once, from the first file. "
                + "Its state is on hse.documents.status under its document id.");
        sidecar.put("fileName", verdict.getFileName());
        sidecar.put("watchedFolder", verdict.watchedFolder());
        putSubfolder(sidecar, verdict.subfolder());
        sidecar.put("documentId", verdict.getDocumentId());
        sidecar.put("first", first);
        share.writeSidecar(moved, ".duplicate.json", sidecar);
        try (MDC.MDCCloseable about = aboutDocument(verdict.getDocumentId())) {
            LOG.info("Duplicate {} from {} set aside: document {} came first as {}", verdict.getFileName(),
                    verdict.watchedFolder(), verdict.getDocumentId(), describe(first));
        }
    }

    /**
     * Takes an accepted file into {@code processing/<documentId>.pdf}. Its received record is written first,
     * so that a crash after the move leaves everything needed to publish it on the next start. The route's
     * idempotentConsumer recorded the id in the ledger before: a crash between that and the move leaves the
     * file where it was, and {@link #firstCopy} finds no document for the id and forgets it.
     */
    public ReceivedDocument accept(IntakeVerdict verdict) {
        String documentId = verdict.getDocumentId();
        List<String> eerCodes = share.watchedFolder(verdict.watchedFolder()).map(WatchedFolder::eerCodes).orElse(List.of());
        ReceivedDocument document = new ReceivedDocument(documentId, verdict.getFileName(), verdict.watchedFolder(),
                verdict.check().size(), documentId, Instant.now().toString(), eerCodes, verdict.subfolder());
        if (!stillAsJudged(verdict)) {
            return null;
        }
        if (takenIn(documentId)) {
            // new to the ledger, not to the share: a ledger topic lost or younger than the share, or a document
            // left in processing/ by a kill before recovery recorded it again
            setAsideDuplicate(verdict, takenInAs(documentId));
            return null;
        }
        // the recovery route leaves the document alone meanwhile: the ledger has it as being taken in here
        journal.write(documentId, RECEIVED, document);
        try {
            share.moveTo(verdict.file(), share.processingPdf(documentId));
        } catch (UncheckedIOException e) {
            if (fingerprint(verdict.file()) == null) {
                // nothing was moved: the journal entry without a PDF in processing/ is never recovered
                gone(verdict);
                return null;
            }
            throw e;
        }
        try (MDC.MDCCloseable about = aboutDocument(documentId)) {
            LOG.info("Accepted {} from {} as document {} ({} bytes, {} pages)", document.fileName(),
                    document.watchedFolder(), documentId, document.size(), verdict.check().pages());
        }
        return document;
    }

    /** Moves a judged file into a share folder (same subfolder), or null if it changed or went meanwhile. */
    private Path moveIfUnchanged(IntakeVerdict verdict, String folder) {
        if (!stillAsJudged(verdict)) {
            return null;
        }
        try {
            return share.moveInto(verdict.file(), folder, verdict.subfolder());
        } catch (UncheckedIOException e) {
            if (fingerprint(verdict.file()) == null) {
                gone(verdict);
                return null;
            }
            throw e;
        }
    }

    /** Whether the file is still the one judged: a file replaced or rewritten since is judged again next poll. */
    private boolean stillAsJudged(IntakeVerdict verdict) {
        String now = fingerprint(verdict.file());
        if (now == null) {
            gone(verdict);
            return false;
        }
        if (!now.equals(verdict.fingerprint())) {
            LOG.info("{} in {} changed after it was judged; judged again on the next poll", verdict.getFileName(),
                    verdict.watchedFolder());
            return false;
        }
        return true;
    }

    private void gone(IntakeVerdict verdict) {
        waiting.remove(verdict.file());
        LOG.info("{} in {} was removed or renamed while intake looked at it: nothing was taken from it",
                verdict.file(), verdict.watchedFolder());
    }

    /** Identity (inode), size and modification time of a file, not following links; null if it is gone. */
    static String fingerprint(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.fileKey() + "/" + a.size() + "/" + a.lastModifiedTime().toMillis();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private static void putSubfolder(Map<String, Object> sidecar, String subfolder) {
        if (subfolder != null) {
            sidecar.put("subfolder", subfolder);
        }
    }

    private static String describe(FirstCopy first) {
        if (first.fileName() == null) {
            return "document " + first.documentId();
        }
        return "'" + first.fileName() + "' in " + first.watchedFolder() + " at " + first.receivedAt()
                + " (document " + first.documentId() + ")";
    }

    /** The document's id in the MDC of a line about it, as the stages' lines have it (hseDocumentId). */
    private static MDC.MDCCloseable aboutDocument(String documentId) {
        return MDC.putCloseable("hseDocumentId", documentId == null ? "" : documentId);
    }
}
