package io.hsepipeline.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

import org.apache.hc.client5.http.entity.mime.AbstractContentBody;
import org.apache.hc.client5.http.entity.mime.ContentBody;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

/**
 * A PDF of the share as a request body that is never whole in memory: the file is opened when the body is
 * written (through the opener, which may take a lock and find where the file is now) and copied in small
 * blocks. Written again for every try, so a retried request sends the file again.
 */
public final class PdfStream {

    public static final ContentType PDF = ContentType.create("application/pdf");
    private static final int BLOCK = 64 * 1024;

    /** Opens the file for reading; the channel is closed once the body is written. */
    @FunctionalInterface
    public interface Opener {
        FileChannel open() throws IOException;
    }

    private PdfStream() {
    }

    /** The raw bytes as the whole request body (Hypatos' upload). */
    public static HttpEntity entity(Opener opener, long length) {
        ContentBody bytes = body(opener, length, null);
        return new AbstractHttpEntity(PDF, null) {
            @Override
            public InputStream getContent() throws IOException {
                return Channels.newInputStream(opener.open());
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                bytes.writeTo(out);
            }

            @Override
            public long getContentLength() {
                return bytes.getContentLength();
            }

            @Override
            public boolean isRepeatable() {
                return true;
            }

            @Override
            public boolean isStreaming() {
                return false;
            }

            @Override
            public void close() {
                // nothing held between writes
            }
        };
    }

    /** The bytes as one part of a multipart form (4HSE's attachment); the raw entity writes through it too. */
    public static ContentBody body(Opener opener, long length, String fileName) {
        return new AbstractContentBody(PDF) {
            @Override
            public String getFilename() {
                return fileName;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                copy(opener, length, out);
            }

            @Override
            public long getContentLength() {
                return length;
            }
        };
    }

    /** Exactly length bytes: a file that changed size since the length was taken fails the request. */
    private static void copy(Opener opener, long length, OutputStream out) throws IOException {
        try (FileChannel channel = opener.open()) {
            if (channel.size() != length) {
                throw new IOException("the PDF changed size while being sent (" + length + " bytes expected, "
                        + channel.size() + " found)");
            }
            ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
            long position = 0;
            while (position < length) {
                buffer.clear();
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new IOException("the PDF ended after " + position + " of " + length + " bytes");
                }
                out.write(buffer.array(), 0, n);
                position += n;
            }
        }
    }
}
