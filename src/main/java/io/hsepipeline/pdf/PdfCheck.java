package io.hsepipeline.pdf;

/**
 * What {@link PdfInspector} found: an accepted PDF with its id, the reason it was refused, or that the file
 * is to be left where it is for now (still being written, or gone).
 *
 * @param documentId SHA-256 of the bytes, hex; present whenever the file could be read
 * @param size       bytes
 * @param pages      page count of an accepted PDF
 * @param rejection  why the file is refused, or null
 * @param later      why the file is left in place to be looked at again on a later poll, or null
 * @param gone       the file disappeared while it was being looked at: it ends nowhere
 */
public record PdfCheck(String documentId, long size, int pages, Rejection rejection, String later, boolean gone) {

    public PdfCheck(String documentId, long size, int pages, Rejection rejection) {
        this(documentId, size, pages, rejection, null, false);
    }

    /** Left in place, looked at again on a later poll. */
    public static PdfCheck later(long size, String why) {
        return new PdfCheck(null, size, 0, null, why, false);
    }

    /** Removed (or renamed away) while it was looked at. */
    public static PdfCheck disappeared() {
        return new PdfCheck(null, 0, 0, null, null, true);
    }

    public boolean accepted() {
        return rejection == null && later == null && !gone;
    }

    public boolean rejected() {
        return rejection != null;
    }

    /** A refusal as users read it in the {@code error/} sidecar. */
    public record Rejection(String reason, String detail, String action) {
    }
}
