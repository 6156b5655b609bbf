package io.hsepipeline.pdf;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

import io.hsepipeline.pdf.PdfCheck.Rejection;
import io.hsepipeline.share.PipelineSettings;

/**
 * Judges a file by its content, never its name: a PDF is accepted when it is within the size limit, starts
 * with a PDF header, opens with PDFBox without a user password and has at least one page. The size limit is the
 * smallest of the pipeline's and of each service the PDF is uploaded to (Hypatos, HSE Genius, 4HSE's attachments). A symbolic link is
 * refused without being followed: anyone who can write to the share could point one at any file the process reads.
 */
@Component
public class PdfInspector {

    private static final byte[] PDF_MAGIC = "%PDF-".getBytes();
    // PDF readers accept the header anywhere in the first kilobyte; the services only at the start
    private static final int HEADER_WINDOW = 1024;

    private final Limit limit;

    /** One upload limit: the service that has it, the setting that holds it, and the bytes it allows. */
    public record Limit(String service, String setting, long bytes) {
    }

    @Autowired
    public PdfInspector(PipelineSettings settings,
                        @Value("${hse.hypatos.max-file-size}") DataSize hypatos,
                        @Value("${hse.hsegenius.max-file-size}") DataSize hsegenius,
                        @Value("${hse.fourhse.max-file-size}") DataSize fourhse) {
        this(List.of(new Limit("pipeline", "HSE_MAX_FILE_SIZE", settings.intake().maxFileSize().toBytes()),
                new Limit("hypatos", "HYPATOS_MAX_FILE_SIZE", hypatos.toBytes()),
                new Limit("hsegenius", "HSEGENIUS_MAX_FILE_SIZE", hsegenius.toBytes()),
                new Limit("fourhse", "FOURHSE_MAX_FILE_SIZE", fourhse.toBytes())));
    }

    /** A file must fit every service it is sent to, so the smallest limit is the one intake applies. */
    public PdfInspector(List<Limit> limits) {
        this.limit = limits.stream().min(Comparator.comparingLong(Limit::bytes)).orElseThrow();
    }

    /** The limit intake applies: the smallest of the services'. */
    public Limit limit() {
        return limit;
    }

    public PdfCheck inspect(Path file) {
        long size;
        String documentId;
        byte[] head;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (attributes.isSymbolicLink()) {
                return refuse(null, 0, "symbolic-link",
                        "The file is a symbolic link. The pipeline never follows links: nothing it points to was read.",
                        "Copy the PDF itself into the folder, not a link or shortcut to it.");
            }
            if (!attributes.isRegularFile()) {
                return refuse(null, 0, "not-a-file", "It is not a regular file (a pipe, socket or device).",
                        "Drop the PDF file itself.");
            }
            size = attributes.size();
            if (size == 0) {
                return refuse(null, 0, "empty", "The file has no content (0 bytes).",
                        "Check that the upload or copy finished, then drop the complete file again.");
            }
            if (size > limit.bytes()) {
                String owner = limit.service().equals("pipeline") ? "the pipeline's own limit"
                        : "the upload limit of " + limit.service();
                return refuse(null, size, "too-large",
                        "The file has " + size + " bytes; " + owner + " is " + limit.bytes() + " bytes ("
                                + limit.setting() + "), the smallest of the services the file goes to.",
                        "Split or compress the PDF below " + limit.bytes() + " bytes, or, if " + limit.service()
                                + " takes larger files, ask an operator to raise " + limit.setting() + ".");
            }
            head = readHead(file);
            documentId = sha256(file);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("The file disappeared while it was being read: " + file, e);
        } catch (IOException e) {
            return refuse(null, 0, "unreadable", "The file could not be read: " + describe(e),
                    "Check the file's permissions on the share and drop it again.");
        }
        int header = indexOf(head, PDF_MAGIC);
        if (header < 0) {
            return refuse(documentId, size, "not-a-pdf", "The content does not start with a PDF header (%PDF-).",
                    "Export or print the document as PDF and drop the PDF instead.");
        }
        if (header > 0) {
            return refuse(documentId, size, "bytes-before-header", "The PDF header (%PDF-) comes after " + header
                            + " bytes of other data. PDF viewers tolerate that, but the services refuse such a file,"
                            + " so it was sent nowhere.",
                    "Open it in a PDF viewer, save or print it as a new PDF, and drop that copy.");
        }
        try (PDDocument pdf = Loader.loadPDF(new RandomAccessReadBufferedFile(file.toFile()), "", null, null,
                IOUtils.createTempFileOnlyStreamCache())) {
            int pages = pdf.getNumberOfPages();
            if (pages < 1) {
                return refuse(documentId, size, "no-pages", "The PDF opens but has no pages.",
                        "Export the document again and check that it shows at least one page.");
            }
            return new PdfCheck(documentId, size, pages, null);
        } catch (InvalidPasswordException e) {
            return refuse(documentId, size, "password-protected", "The PDF needs a password to open.",
                    "Remove the password (save an unprotected copy) and drop that copy.");
        } catch (IOException | RuntimeException e) {
            return refuse(documentId, size, "damaged", "The PDF cannot be opened: " + describe(e),
                    "Open it in a PDF viewer; if it fails there too, get a new copy from the sender.");
        }
    }

    private static PdfCheck refuse(String documentId, long size, String reason, String detail, String action) {
        return new PdfCheck(documentId, size, 0, new Rejection(reason, detail, action));
    }

    private static byte[] readHead(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.readNBytes(HEADER_WINDOW);
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM has no SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String describe(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
