package io.hsepipeline.pdf;

/**
 * What {@link PdfInspector} found: either an accepted PDF with its id, or the reason it was refused.
 *
 * @param documentId SHA-256 of the bytes, hex; present whenever the file could be read
 * @param size       bytes
 * @param pages      page count of an accepted PDF
 * @param rejection  why the file is refused, or null when accepted
 */
public record PdfCheck(String documentId, long size, int pages, Rejection rejection) {

    public boolean accepted() {
        return rejection == null;
    }

    /** A refusal as users read it in the {@code error/} sidecar. */
    public record Rejection(String reason, String detail, String action) {
    }
}
