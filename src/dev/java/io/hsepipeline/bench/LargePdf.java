package io.hsepipeline.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A valid one-page PDF of about the given size, written straight to a file: its text says what a safety data
 * sheet says, and its bulk is an unused grey image of random (incompressible) bytes, so no step of the
 * pipeline can get it small.
 */
final class LargePdf {

    private LargePdf() {
    }

    static Path write(Path file, long megabytes, long seed) {
        long imageBytes = megabytes * 1024 * 1024;
        int width = 8192;
        long height = Math.max(1, imageBytes / width);
        String text = "BT /F1 12 Tf 72 720 Td (Product name: Bench giant " + seed + ") Tj 0 -16 Td "
                + "(Waste code 15 01 10*) Tj 0 -16 Td (Issued 2024-03-15) Tj ET";
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            Counting pdf = new Counting(out);
            List<Long> offsets = new ArrayList<>();
            pdf.ascii("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
            offsets.add(pdf.position);
            pdf.ascii("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
            offsets.add(pdf.position);
            pdf.ascii("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
            offsets.add(pdf.position);
            pdf.ascii("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
                    + " /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>\nendobj\n");
            offsets.add(pdf.position);
            pdf.ascii("4 0 obj\n<< /Length " + text.length() + " >>\nstream\n" + text + "\nendstream\nendobj\n");
            offsets.add(pdf.position);
            pdf.ascii("5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
            offsets.add(pdf.position);
            long length = width * height;
            pdf.ascii("6 0 obj\n<< /Type /XObject /Subtype /Image /Width " + width + " /Height " + height
                    + " /ColorSpace /DeviceGray /BitsPerComponent 8 /Length " + length + " >>\nstream\n");
            SplittableRandom random = new SplittableRandom(seed);
            byte[] chunk = new byte[1 << 20];
            for (long left = length; left > 0; ) {
                for (int i = 0; i < chunk.length; i += 8) {
                    long r = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        chunk[i + b] = (byte) (r >>> (b * 8));
                    }
                }
                int n = (int) Math.min(chunk.length, left);
                pdf.bytes(chunk, n);
                left -= n;
            }
            pdf.ascii("\nendstream\nendobj\n");
            long xref = pdf.position;
            StringBuilder table = new StringBuilder("xref\n0 7\n0000000000 65535 f \n");
            offsets.forEach(offset -> table.append(String.format("%010d 00000 n \n", offset)));
            pdf.ascii(table + "trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n" + xref + "\n%%EOF\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static final class Counting {
        private final OutputStream out;
        private long position;

        Counting(OutputStream out) {
            this.out = out;
        }

        void ascii(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            out.write(b);
            position += b.length;
        }

        void bytes(byte[] b, int n) throws IOException {
            out.write(b, 0, n);
            position += n;
        }
    }
}
