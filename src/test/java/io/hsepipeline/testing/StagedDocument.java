package io.hsepipeline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.records.ReceivedDocument;

/**
 * A document as intake leaves it for the later stages: its PDF in processing/ and its received record in the
 * journal. Lets a stage's test start at that stage.
 */
public final class StagedDocument {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StagedDocument() {
    }

    public static ReceivedDocument received(TestShare share, byte[] pdf, String fileName) {
        String id = TestPdfs.sha256(pdf);
        ReceivedDocument document = new ReceivedDocument(id, fileName, "inbox", pdf.length, id,
                Instant.now().toString(), List.of());
        try {
            Files.write(Files.createDirectories(share.folder("processing")).resolve(id + ".pdf"), pdf);
            Path journal = Files.createDirectories(share.root().resolve(".hse").resolve(id));
            JSON.writeValue(journal.resolve("received.json").toFile(), document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return document;
    }
}
