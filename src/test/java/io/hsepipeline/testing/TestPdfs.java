package io.hsepipeline.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** The test corpus, made with PDFBox at run time: good PDFs with given text lines, and each kind of bad file. */
public final class TestPdfs {

    private TestPdfs() {
    }

    public static byte[] withText(String... lines) {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            writeLines(doc, page, List.of(lines));
            return save(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] passwordProtected() {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            writeLines(doc, page, List.of("Secret safety data sheet"));
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", "user-secret", new AccessPermission());
            policy.setEncryptionKeyLength(128);
            doc.protect(policy);
            return save(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens without a password (only changing it needs the owner's): a PDF like any other for intake. */
    public static byte[] ownerPasswordOnly(String text) {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            writeLines(doc, page, List.of(text));
            AccessPermission permissions = new AccessPermission();
            permissions.setCanModify(false);
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", "", permissions);
            policy.setEncryptionKeyLength(128);
            doc.protect(policy);
            return save(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real PDF with only its first part: a copy or download cut short (no %%EOF, no cross-reference). */
    public static byte[] truncated(String text) {
        byte[] good = withText(text);
        return Arrays.copyOf(good, good.length / 2);
    }

    /**
     * A real PDF whose cross-reference table is wrong: every offset in it, and the startxref pointer, point
     * at the wrong bytes (saved uncompressed, so the table is a classic one).
     */
    public static byte[] brokenCrossReference(String text) {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            writeLines(doc, page, List.of(text));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out, org.apache.pdfbox.pdfwriter.compress.CompressParameters.NO_COMPRESSION);
            String pdf = out.toString(StandardCharsets.ISO_8859_1);
            int xref = pdf.lastIndexOf("\nxref");
            int startxref = pdf.lastIndexOf("startxref");
            String table = pdf.substring(xref, startxref).replaceAll("\\b(\\d{10}) 00000 n", "0000000017 00000 n");
            String tail = pdf.substring(startxref).replaceFirst("startxref\\s+\\d+", "startxref\n" + (xref / 2));
            return (pdf.substring(0, xref) + table + tail).getBytes(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The start of a JPEG (JFIF) image, as a photo of a document saved under a .pdf name. */
    public static byte[] jpeg() {
        byte[] jpeg = new byte[2048];
        byte[] start = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00,
                0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00};
        System.arraycopy(start, 0, jpeg, 0, start.length);
        for (int i = start.length; i < jpeg.length - 2; i++) {
            jpeg[i] = (byte) (i * 31);
        }
        jpeg[jpeg.length - 2] = (byte) 0xFF;
        jpeg[jpeg.length - 1] = (byte) 0xD9;
        return jpeg;
    }

    public static byte[] withoutPages() {
        try (PDDocument doc = new PDDocument()) {
            return save(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real PDF cut off after its header and first object: the cross-reference and trailer are gone. */
    public static byte[] damaged() {
        byte[] good = withText("This file will be cut short");
        byte[] cut = Arrays.copyOf(good, 40);
        byte[] garbage = "\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R".getBytes(StandardCharsets.US_ASCII);
        byte[] result = Arrays.copyOf(cut, cut.length + garbage.length);
        System.arraycopy(garbage, 0, result, cut.length, garbage.length);
        return result;
    }

    public static byte[] notAPdf() {
        return "Name,EER code\nSolvent,14 06 03*\n".getBytes(StandardCharsets.UTF_8);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeLines(PDDocument doc, PDPage page, List<String> lines) throws IOException {
        try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
            content.beginText();
            content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 11);
            content.newLineAtOffset(50, 740);
            for (String line : lines) {
                content.showText(line);
                content.newLineAtOffset(0, -16);
            }
            content.endText();
        }
    }

    private static byte[] save(PDDocument doc) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        doc.save(out);
        return out.toByteArray();
    }
}
