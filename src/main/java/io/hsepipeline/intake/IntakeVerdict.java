package io.hsepipeline.intake;

import java.nio.file.Path;

import io.hsepipeline.pdf.PdfCheck;

/**
 * What intake decided about one file in a watched folder.
 *
 * @param first for a duplicate, the file that brought the same bytes first
 */
public record IntakeVerdict(Path file, String watchedFolder, PdfCheck check, LedgerEntry first) {

    public boolean isRejected() {
        return !check.accepted();
    }

    public boolean isDuplicate() {
        return check.accepted() && first != null;
    }

    public String getDocumentId() {
        return check.documentId();
    }

    public String getFileName() {
        return file.getFileName().toString();
    }
}
