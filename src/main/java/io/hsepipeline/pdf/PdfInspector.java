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
import java.nio.channels.SeekableByteChannel;
import java.nio.ByteBuffer;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
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
 * An empty file, or a PDF without its {@code %%EOF} end, is left for later while younger than the unfinished wait:
 * its writer may only have paused.
 */
@Component
public class PdfInspector {

    private static final byte[] PDF_MAGIC = "%PDF-".getBytes();
    // PDF readers accept the header anywhere in the first kilobyte; the services only at the start
    private static final int HEADER_WINDOW = 1024;
    private static final byte[] PDF_END = "%%EOF".getBytes();
    // PDF readers look for the end marker in the last kilobyte; writers may add a line or a little junk after it
    private static final int END_WINDOW = 1024;
    // see Content
    static final int IN_MEMORY_MAX = 2 * 1024 * 1024;

    private final Limit limit;
    private final long unfinishedWaitMillis;

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
                new Limit("fourhse", "FOURHSE_MAX_FILE_SIZE", fourhse.toBytes())),
                settings.intake().unfinishedWaitMillis());
    }

    /** A file must fit every service it is sent to, so the smallest limit is the one intake applies. */
    public PdfInspector(List<Limit> limits, long unfinishedWaitMillis) {
        this.limit = limits.stream().min(Comparator.comparingLong(Limit::bytes)).orElseThrow();
        this.unfinishedWaitMillis = unfinishedWaitMillis;
    }

    /** The limit intake applies: the smallest of the services'. */
    public Limit limit() {
        return limit;
    }

    public PdfCheck inspect(Path file) {
        long size;
        String documentId;
        byte[] head;
        Content content;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (attributes.isSymbolicLink()) {
                return new PdfCheck(null, 0, 0, symbolicLink());
            }
            if (!attributes.isRegularFile()) {
                return refuse(null, 0, "not-a-file", "It is not a regular file (a pipe, socket or device).",
                        "Drop the PDF file itself.");
            }
            size = attributes.size();
            // a writer that pauses longer than the settle time leaves a file that looks finished but is not
            boolean young = System.currentTimeMillis() - attributes.lastModifiedTime().toMillis() < unfinishedWaitMillis;
            if (size == 0 && young) {
                return PdfCheck.later(0, "empty so far");
            }
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
            content = Content.of(file, size);
            head = content.head();
            if (indexOf(head, PDF_MAGIC) == 0 && young && !content.endsWithEof()) {
                return PdfCheck.later(size, "no %%EOF yet: still being written");
            }
            documentId = content.sha256();
        } catch (NoSuchFileException e) {
            return PdfCheck.disappeared();
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
        try (PDDocument pdf = content.load()) {
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
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return PdfCheck.disappeared();
            }
            return refuse(documentId, size, "damaged", "The PDF cannot be opened: " + describe(e).replaceAll("\\.+$", "")
                            + (content.endsWithEofQuietly() ? ""
                            : ". It does not end with %%EOF: the copy was"
                            + " probably cut short."),
                    "Open it in a PDF viewer; if it fails there too, get a new copy from the sender.");
        }
    }

    /** The refusal of a symbolic link, to a file or to a folder. */
    public static Rejection symbolicLink() {
        return new Rejection("symbolic-link",
                "It is a symbolic link. The pipeline never follows links: nothing it points to was read.",
                "Copy the PDF (or the folder) itself into the watched folder, not a link or shortcut to it.");
    }

    private static PdfCheck refuse(String documentId, long size, String reason, String detail, String action) {
        return new PdfCheck(documentId, size, 0, new Rejection(reason, detail, action));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM has no SHA-256", e);
        }
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

    /**
     * The file's bytes as the checks read them (header, end, SHA-256, PDFBox): a file up to IN_MEMORY_MAX is read
     * once, into memory, for all of them; a larger one is read from the file for each, so that a 200 MB PDF is
     * never whole in memory.
     */
    private sealed interface Content {

        static Content of(Path file, long size) throws IOException {
            if (size > IN_MEMORY_MAX) {
                return new OnFile(file, size);
            }
            // a file that grows meanwhile is caught by intake's second look
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                return new InMemory(in.readNBytes(IN_MEMORY_MAX + 1));
            }
        }

        /** The first kilobyte, where PDF readers accept the header. */
        byte[] head() throws IOException;

        /** Whether the PDF end marker is in the last kilobyte. */
        boolean endsWithEof() throws IOException;

        String sha256() throws IOException;

        PDDocument load() throws IOException;

        /** endsWithEof, false when the file cannot be read (said of a PDF that did not open). */
        default boolean endsWithEofQuietly() {
            try {
                return endsWithEof();
            } catch (IOException e) {
                return false;
            }
        }
    }

    private record InMemory(byte[] bytes) implements Content {

        @Override
        public byte[] head() {
            return Arrays.copyOf(bytes, Math.min(HEADER_WINDOW, bytes.length));
        }

        @Override
        public boolean endsWithEof() {
            int window = Math.min(END_WINDOW, bytes.length);
            return indexOf(Arrays.copyOfRange(bytes, bytes.length - window, bytes.length), PDF_END) >= 0;
        }

        @Override
        public String sha256() {
            return HexFormat.of().formatHex(PdfInspector.sha256().digest(bytes));
        }

        @Override
        public PDDocument load() throws IOException {
            return Loader.loadPDF(bytes, "", null, null, IOUtils.createTempFileOnlyStreamCache());
        }
    }

    private record OnFile(Path file, long size) implements Content {

        @Override
        public byte[] head() throws IOException {
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                return in.readNBytes(HEADER_WINDOW);
            }
        }

        @Override
        public boolean endsWithEof() throws IOException {
            int window = (int) Math.min(END_WINDOW, size);
            ByteBuffer tail = ByteBuffer.allocate(window);
            try (SeekableByteChannel channel = Files.newByteChannel(file, LinkOption.NOFOLLOW_LINKS)) {
                channel.position(size - window);
                while (tail.hasRemaining() && channel.read(tail) >= 0) {
                    // read the whole window
                }
            }
            return indexOf(tail.array(), PDF_END) >= 0;
        }

        @Override
        public String sha256() throws IOException {
            MessageDigest digest = PdfInspector.sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        @Override
        public PDDocument load() throws IOException {
            return Loader.loadPDF(new RandomAccessReadBufferedFile(file.toFile()), "", null, null,
                    IOUtils.createTempFileOnlyStreamCache());
        }
    }
}
