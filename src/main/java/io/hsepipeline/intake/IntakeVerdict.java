package io.hsepipeline.intake;

import java.nio.file.Path;

import io.hsepipeline.pdf.PdfCheck;

/**
 * What intake decided about one file in a watched folder.
 *
 * @param subfolder   where the file was under its watched folder ({@code a/b}), or null directly in it
 * @param first       for a duplicate, the file that brought the same bytes first
 * @param fingerprint the file's identity, size and time when it was judged: it is moved only if still the same
 */
public record IntakeVerdict(Path file, String watchedFolder, String subfolder, PdfCheck check, LedgerEntry first,
                            String fingerprint) {

    public boolean isRejected() {
        return check.rejected();
    }

    public boolean isDuplicate() {
        return check.accepted() && first != null;
    }

    public boolean isAccepted() {
        return check.accepted() && first == null;
    }

    /** Left where it is for a later poll (still being written), or gone: nothing to do now. */
    public boolean isLeft() {
        return check.later() != null || check.gone();
    }

    public String getDocumentId() {
        return check.documentId();
    }

    public String getFileName() {
        return file.getFileName().toString();
    }
}
