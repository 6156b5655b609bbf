package io.hsepipeline.intake;

import java.nio.file.Path;

import io.hsepipeline.pdf.PdfCheck;

/**
 * What intake decided about one file in a watched folder.
 *
 * @param subfolder   where the file was under its watched folder ({@code a/b}), or null directly in it
 * @param fingerprint the file's identity, size and time when it was judged: it is moved only if still the same
 */
public record IntakeVerdict(Path file, String watchedFolder, String subfolder, PdfCheck check,
                            String fingerprint) {

    public boolean isRejected() {
        return check.rejected();
    }

    /** A valid PDF: taken in, unless the intake ledger has seen its bytes before. */
    public boolean isAccepted() {
        return check.accepted();
    }

    public String getDocumentId() {
        return check.documentId();
    }

    public String getFileName() {
        return file.getFileName().toString();
    }
}
