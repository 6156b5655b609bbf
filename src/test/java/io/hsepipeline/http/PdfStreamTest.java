package io.hsepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PdfStreamTest {

    @TempDir
    Path folder;

    @Test
    void theEntityIsTheFileEveryTimeItIsWritten() throws IOException {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        Path pdf = Files.write(folder.resolve("a.pdf"), bytes);
        HttpEntity entity = PdfStream.entity(() -> FileChannel.open(pdf), bytes.length);
        assertThat(entity.getContentLength()).isEqualTo(bytes.length);
        assertThat(entity.getContentType()).isEqualTo("application/pdf");
        assertThat(entity.isRepeatable()).isTrue();
        for (int attempt = 0; attempt < 2; attempt++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            entity.writeTo(out);
            assertThat(out.toByteArray()).isEqualTo(bytes);
        }
    }

    @Test
    void aMultipartPartCarriesTheFileWithAKnownLength() throws IOException {
        Path pdf = Files.writeString(folder.resolve("b.pdf"), "%PDF-1.7 body %%EOF");
        HttpEntity form = MultipartEntityBuilder.create()
                .addPart("file", PdfStream.body(() -> FileChannel.open(pdf), Files.size(pdf), "b.pdf")).build();
        assertThat(form.getContentLength()).isPositive();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        form.writeTo(out);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).contains("filename=\"b.pdf\"")
                .contains("%PDF-1.7 body %%EOF");
        assertThat(out.size()).isEqualTo((int) form.getContentLength());
    }

    @Test
    void aFileThatChangedSizeFailsTheRequestInsteadOfSendingOtherBytes() throws IOException {
        Path pdf = Files.writeString(folder.resolve("c.pdf"), "%PDF-1.7 short");
        HttpEntity entity = PdfStream.entity(() -> FileChannel.open(pdf), 1000);
        assertThatThrownBy(() -> entity.writeTo(new ByteArrayOutputStream())).isInstanceOf(IOException.class)
                .hasMessageContaining("changed size");
    }
}
