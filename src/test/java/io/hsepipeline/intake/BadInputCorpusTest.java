package io.hsepipeline.intake;

import static io.hsepipeline.testing.TestKafka.records;
import static io.hsepipeline.testing.TestPdfs.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.Normalizer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.outcome.DocumentOutcomes;
import io.hsepipeline.share.ShareFolders;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;
import io.hsepipeline.testing.TopicSchemas;

/**
 * The bad-input corpus (issue #9): every kind of file users drop, each with the outcome the README promises and
 * a sidecar that says what to do; awkward names; junk files; files written, replaced or removed while intake
 * looks; and folders dragged in with their subfolders.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
@ExtendWith(OutputCaptureExtension.class)
class BadInputCorpusTest {

    private static final TestShare SHARE = TestShare.temporary("bad-input-corpus");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    IntakeService intake;

    @Autowired
    IntakeLedger ledger;

    @Autowired
    DocumentOutcomes documents;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        registry.add("hse.intake.max-file-size", () -> "200KB");
    }

    static Stream<Arguments> refusedFiles() {
        return Stream.of(
                Arguments.of("empty", "zero bytes", new byte[0]),
                Arguments.of("not-a-pdf", "text named .pdf", TestPdfs.notAPdf()),
                Arguments.of("not-a-pdf", "a JPEG named .pdf", TestPdfs.jpeg()),
                Arguments.of("damaged", "cut after its first object", TestPdfs.damaged()),
                Arguments.of("damaged", "cut in half", TestPdfs.truncated(unique("Half a copy"))),
                Arguments.of("password-protected", "a user password", TestPdfs.passwordProtected()),
                Arguments.of("no-pages", "no page", TestPdfs.withoutPages()),
                Arguments.of("too-large", "above the limit", Arrays.copyOf(pdf("Too large"), 300 * 1024)),
                Arguments.of("bytes-before-header", "a mail header first", withBytesBefore(pdf("Mail header kept"))));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("refusedFiles")
    void aRefusedFileEndsInErrorWithASidecarSayingWhyAndWhatToDo(String reason, String what, byte[] bytes)
            throws Exception {
        String name = TestShare.uniqueName(reason);

        SHARE.drop("inbox", name, bytes);

        JsonNode error = awaitSidecar(SHARE.folder("error").resolve(name), ".error.json");
        assertThat(error.get("reason").asText()).isEqualTo(reason);
        assertThat(error.get("stage").asText()).isEqualTo("intake");
        assertThat(error.get("detail").asText()).isNotBlank();
        assertThat(error.get("action").asText()).isNotBlank();
        assertThat(error.get("fileName").asText()).isEqualTo(name);
        assertThat(SHARE.folder("error").resolve(name)).hasBinaryContent(bytes);
        assertThat(records(SHARE.receivedTopic(), sha256(bytes))).isEmpty();
    }

    @Test
    void aPdfCutInHalfSaysItWasProbablyCutShort() throws Exception {
        String name = TestShare.uniqueName("cut-short");

        SHARE.drop("inbox", name, TestPdfs.truncated(unique("Cut short")));

        assertThat(awaitSidecar(SHARE.folder("error").resolve(name), ".error.json").get("detail").asText())
                .contains("cut short");
    }

    @Test
    void aBrokenCrossReferenceTableIsRepairedByPdfBoxSoTheFileIsAccepted() throws Exception {
        byte[] pdf = TestPdfs.brokenCrossReference(unique("Wrong offsets"));
        String name = TestShare.uniqueName("broken-xref");

        SHARE.drop("inbox", name, pdf);

        JsonNode received = awaitReceived(pdf);
        assertThat(received.get("fileName").asText()).isEqualTo(name);
        assertThat(SHARE.folder("processing").resolve(sha256(pdf) + ".pdf")).hasBinaryContent(pdf);
    }

    @Test
    void aPdfWithOnlyAnOwnerPasswordOpensSoItIsAcceptedAndPublished() throws Exception {
        byte[] pdf = TestPdfs.ownerPasswordOnly(unique("Printing allowed, changes not"));
        String name = TestShare.uniqueName("owner-password");

        SHARE.drop("inbox", name, pdf);

        assertThat(awaitReceived(pdf).get("fileName").asText()).isEqualTo(name);
    }

    static Stream<Arguments> awkwardNames() {
        String accents = "Sicherheitsdatenblatt Größe – café ñ";
        return Stream.of(
                Arguments.of("spaces", "safety data sheet  v2 .pdf"),
                Arguments.of("accents, NFC", Normalizer.normalize(accents, Normalizer.Form.NFC) + ".pdf"),
                Arguments.of("accents, NFD", Normalizer.normalize(accents, Normalizer.Form.NFD) + ".pdf"),
                Arguments.of("quotes", "it's the \"final\" copy.pdf"),
                Arguments.of("a leading dash", "-rf --help.pdf"),
                Arguments.of("255 bytes", "l".repeat(251) + ".pdf"),
                Arguments.of("255 bytes, two-byte letters", "é".repeat(125) + "x.pdf"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("awkwardNames")
    void anAwkwardNameIsAcceptedAndPublishedIntact(String what, String stem) throws Exception {
        String name = uniqueAtLimit(stem);
        byte[] pdf = pdf("Named " + what);

        SHARE.drop("inbox", name, pdf);

        JsonNode received = awaitReceived(pdf);
        assertThat(received.get("fileName").asText()).isEqualTo(name);
        assertThat(TopicSchemas.violations("hse.documents.received", received.toString())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("awkwardNames")
    void aRefusedFileWithAnAwkwardNameStillGetsItsSidecarNamingItWhole(String what, String stem) throws Exception {
        String name = uniqueAtLimit(stem);

        SHARE.drop("inbox", name, TestPdfs.notAPdf());

        Path moved = SHARE.folder("error").resolve(name);
        JsonNode error = awaitSidecar(moved, ".error.json");
        assertThat(error.get("reason").asText()).isEqualTo("not-a-pdf");
        assertThat(error.get("fileName").asText()).isEqualTo(name);
        assertThat(moved).exists();
        String sidecarName = ShareFolders.sidecarOf(moved, ".error.json").getFileName().toString();
        assertThat(sidecarName.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        if ((name + ".error.json").getBytes(StandardCharsets.UTF_8).length <= 255) {
            assertThat(sidecarName).isEqualTo(name + ".error.json");
        } else {
            assertThat(sidecarName).startsWith(name.substring(0, 100)).endsWith(".error.json");
        }
    }

    @Test
    void systemAndTemporaryFilesAreLeftAloneInTheFolderAndItsSubfolders() throws Exception {
        byte[] pdf = pdf("Never to be taken");
        List<String> junk = List.of(".DS_Store", "Thumbs.db", "thumbs.db", "desktop.ini", "~$x.pdf", "x.pdf.part",
                "sub/Thumbs.db", "sub/~$report.pdf", ".Trash/x.pdf", ".hse/y.pdf", "sub/.Trash-1000/z.pdf");
        String folder = "junk-" + UUID.randomUUID().toString().substring(0, 8);
        Path staging = Files.createTempDirectory("junk-folder").resolve(folder);
        for (String name : junk) {
            Path file = staging.resolve(name);
            Files.createDirectories(file.getParent());
            Files.write(file, name.endsWith(".pdf") || name.endsWith(".part") ? pdf : TestPdfs.notAPdf());
        }
        Files.move(staging, SHARE.folder("inbox").resolve(folder), StandardCopyOption.ATOMIC_MOVE);
        byte[] marker = pdf("Dropped after the junk");
        SHARE.drop("inbox", TestShare.uniqueName("after-junk"), marker);

        awaitReceived(marker);
        for (String name : junk) {
            assertThat(SHARE.folder("inbox").resolve(folder).resolve(name)).exists();
        }
        assertThat(SHARE.folder("error").resolve(folder)).doesNotExist();
        assertThat(records(SHARE.receivedTopic(), sha256(pdf))).isEmpty();
    }

    @Test
    void aFileWrittenInPiecesFor30SecondsWithPausesLongerThanTheSettleTimeIsTakenOnlyComplete() throws Exception {
        byte[] pdf = pdf("Written over a slow link with long pauses");
        String name = TestShare.uniqueName("thirty-seconds");
        Path target = SHARE.folder("inbox").resolve(name);
        int pieces = 15;
        int pieceSize = (pdf.length + pieces - 1) / pieces;
        CompletableFuture<Void> written = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (OutputStream out = Files.newOutputStream(target)) {
            // a piece every 2 s: twice the settle time (1 s), so the file looks settled between pieces
            writer.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                try {
                    int from = i * pieceSize;
                    out.write(pdf, from, Math.max(0, Math.min(pieceSize, pdf.length - from)));
                    out.flush();
                    if (i == pieces - 1) {
                        written.complete(null);
                        throw new IllegalStateException("written");
                    }
                } catch (IOException e) {
                    written.completeExceptionally(e);
                    throw new UncheckedIOException(e);
                }
            }, 0, 2000, TimeUnit.MILLISECONDS);
            written.get(60, TimeUnit.SECONDS);
        } finally {
            writer.shutdownNow();
        }

        assertThat(awaitReceived(pdf).get("size").asLong()).isEqualTo(pdf.length);
        assertThat(SHARE.folder("error").resolve(name)).doesNotExist();
        assertThat(SHARE.folder("processing").resolve(sha256(pdf) + ".pdf")).hasBinaryContent(pdf);
        assertThat(records(SHARE.receivedTopic())).noneMatch(r -> r.value().contains(name) && !r.key().equals(sha256(pdf)));
    }

    @Test
    void aFileRemovedWhileIntakeWaitsOnItEndsNowhereAndTheNextFileIsTaken(CapturedOutput output) throws Exception {
        byte[] unfinished = TestPdfs.truncated(unique("Removed before it was complete"));
        String name = TestShare.uniqueName("removed");
        Path file = SHARE.drop("inbox", name, unfinished);
        await().atMost(WAIT).until(() -> output.getAll().contains(name + " in inbox left for now"));

        Files.delete(file);
        byte[] next = pdf("The next file");
        SHARE.drop("inbox", TestShare.uniqueName("next"), next);

        awaitReceived(next);
        for (String folder : List.of("error", "duplicate", "done", "inbox")) {
            assertThat(SHARE.folder(folder).resolve(name)).doesNotExist();
        }
        assertThat(records(SHARE.statusTopic(), sha256(unfinished))).isEmpty();
    }

    @Test
    void aFileRemovedWhileItIsReadOrBeforeItsMoveEndsNowhere() throws Exception {
        Path outside = Files.createDirectories(SHARE.root().resolve("not-watched"));
        Path gone = outside.resolve(TestShare.uniqueName("never-there"));

        assertThat(intake.inspect(gone.toString(), "inbox").check().gone()).isTrue();

        byte[] pdf = pdf("Removed between its check and its move");
        Path file = Files.write(outside.resolve(TestShare.uniqueName("removed-before-move")), pdf);
        IntakeVerdict verdict = intake.inspect(file.toString(), "inbox");
        assertThat(verdict.isAccepted()).isTrue();
        Files.delete(file);

        assertThat(intake.accept(verdict)).isNull();
        assertThat(SHARE.folder("processing").resolve(sha256(pdf) + ".pdf")).doesNotExist();
        // not left as being taken in: the recovery route may take the document if it ever turns up in processing/
        assertThat(ledger.isTakingIn(sha256(pdf))).isFalse();
    }

    @Test
    void aFileReplacedUnderTheSameNameBeforeItSettledIsTakenOnceWithTheFinalBytes() throws Exception {
        byte[] first = pdf("First version");
        byte[] last = pdf("Final version");
        String name = TestShare.uniqueName("replaced");

        SHARE.drop("inbox", name, first);
        SHARE.drop("inbox", name, last);

        assertThat(awaitReceived(last).get("fileName").asText()).isEqualTo(name);
        assertThat(records(SHARE.receivedTopic(), sha256(first))).isEmpty();
        assertThat(records(SHARE.receivedTopic())).filteredOn(r -> r.value().contains(name)).hasSize(1);
        assertThat(SHARE.folder("error").resolve(name)).doesNotExist();
        assertThat(SHARE.folder("duplicate").resolve(name)).doesNotExist();
    }

    @Test
    void aNewFileUnderANameAlreadyTakenIsANewDocumentOrADuplicateOfTheSameBytes() throws Exception {
        byte[] first = pdf("Monday's copy");
        byte[] second = pdf("Tuesday's copy");
        String name = TestShare.uniqueName("same-name");

        SHARE.drop("inbox", name, first);
        awaitReceived(first);
        SHARE.drop("inbox", name, second);
        assertThat(awaitReceived(second).get("fileName").asText()).isEqualTo(name);
        SHARE.drop("inbox", name, first);

        JsonNode duplicate = awaitSidecar(SHARE.folder("duplicate").resolve(name), ".duplicate.json");
        assertThat(duplicate.get("documentId").asText()).isEqualTo(sha256(first));
        assertThat(records(SHARE.receivedTopic(), sha256(first))).hasSize(1);
    }

    @Test
    void aFolderDraggedInIsTakenWithItsSubfoldersKeptInEveryOutcome() throws Exception {
        String top = "site-a-" + UUID.randomUUID().toString().substring(0, 8);
        String sub = top + "/2024 Q1";
        byte[] done = pdf("Ends in done");
        byte[] failed = pdf("Ends in error after intake");
        byte[] refused = TestPdfs.notAPdf();
        Path staging = Files.createTempDirectory("dragged").resolve(top);
        Files.createDirectories(staging.resolve("2024 Q1"));
        Files.createDirectories(staging.resolve("empty"));
        Files.write(staging.resolve("2024 Q1/report.pdf"), done);
        Files.write(staging.resolve("2024 Q1/failing.pdf"), failed);
        Files.write(staging.resolve("2024 Q1/list.pdf"), refused);

        Files.move(staging, SHARE.folder("inbox").resolve(top), StandardCopyOption.ATOMIC_MOVE);

        JsonNode received = awaitReceived(done);
        assertThat(received.get("subfolder").asText()).isEqualTo(sub);
        assertThat(received.get("fileName").asText()).isEqualTo("report.pdf");
        assertThat(TopicSchemas.violations("hse.documents.received", received.toString())).isEmpty();
        assertThat(awaitReceived(failed).get("subfolder").asText()).isEqualTo(sub);
        JsonNode error = awaitSidecar(SHARE.folder("error").resolve(sub).resolve("list.pdf"), ".error.json");
        assertThat(error.get("reason").asText()).isEqualTo("not-a-pdf");
        assertThat(error.get("subfolder").asText()).isEqualTo(sub);

        documents.complete(sha256(done), "validate");
        documents.fail(sha256(failed), "extract", "hypatos", "rejected", "Hypatos rejected it", "Check the file");

        assertThat(SHARE.folder("done").resolve(sub).resolve("report.pdf")).hasBinaryContent(done);
        assertThat(JSON.readTree(SHARE.folder("done").resolve(sub).resolve("report.pdf.result.json").toFile())
                .get("subfolder").asText()).isEqualTo(sub);
        assertThat(SHARE.folder("error").resolve(sub).resolve("failing.pdf")).hasBinaryContent(failed);
        assertThat(JSON.readTree(SHARE.folder("error").resolve(sub).resolve("failing.pdf.error.json").toFile())
                .get("subfolder").asText()).isEqualTo(sub);
        // emptied subfolders stay: nothing is deleted
        assertThat(SHARE.folder("inbox").resolve(sub)).isEmptyDirectory();
        assertThat(SHARE.folder("inbox").resolve(top).resolve("empty")).isEmptyDirectory();
    }

    @Test
    void theSameBytesInASubfolderAreSetAsideInTheSameSubfolderOfDuplicate() throws Exception {
        byte[] pdf = pdf("Sent to two sites");
        String top = "site-b-" + UUID.randomUUID().toString().substring(0, 8);
        SHARE.drop("inbox", TestShare.uniqueName("first"), pdf);
        awaitReceived(pdf);

        SHARE.drop("inbox/" + top, "copy.pdf", pdf);

        JsonNode duplicate = awaitSidecar(SHARE.folder("duplicate").resolve(top).resolve("copy.pdf"), ".duplicate.json");
        assertThat(duplicate.get("subfolder").asText()).isEqualTo(top);
        assertThat(SHARE.folder("duplicate").resolve(top).resolve("copy.pdf")).hasBinaryContent(pdf);
    }

    @Test
    void aFolderNamedLikeAPdfIsAFolderWhosePdfsAreTaken() throws Exception {
        String folder = "scan-" + UUID.randomUUID().toString().substring(0, 8) + ".pdf";
        byte[] pdf = pdf("Inside a folder named .pdf");

        SHARE.drop("inbox/" + folder, "page 1.pdf", pdf);

        JsonNode received = awaitReceived(pdf);
        assertThat(received.get("subfolder").asText()).isEqualTo(folder);
        assertThat(received.get("fileName").asText()).isEqualTo("page 1.pdf");
        assertThat(SHARE.folder("error").resolve(folder + ".error.json")).doesNotExist();
    }

    @Test
    void aLinkToAFolderIsSetAsideAndNeverEntered() throws Exception {
        byte[] outsidePdf = pdf("In a folder outside the share");
        Path outside = Files.createTempDirectory("outside-the-share");
        Files.write(outside.resolve("private.pdf"), outsidePdf);
        String link = "linked-" + UUID.randomUUID().toString().substring(0, 8);
        String nested = "nested-" + UUID.randomUUID().toString().substring(0, 8);
        Files.createDirectories(SHARE.folder("inbox").resolve(nested));

        Files.createSymbolicLink(SHARE.folder("inbox").resolve(link), outside);
        Files.createSymbolicLink(SHARE.folder("inbox").resolve(nested).resolve("etc"), outside);

        for (Path moved : List.of(SHARE.folder("error").resolve(link), SHARE.folder("error").resolve(nested).resolve("etc"))) {
            JsonNode error = awaitSidecar(moved, ".error.json");
            assertThat(error.get("reason").asText()).isEqualTo("symbolic-link");
            assertThat(error.get("action").asText()).contains("not a link");
            assertThat(Files.isSymbolicLink(moved)).isTrue();
        }
        assertThat(outside.resolve("private.pdf")).hasBinaryContent(outsidePdf);
        assertThat(records(SHARE.receivedTopic(), sha256(outsidePdf))).isEmpty();
    }

    @Test
    void aLinkToNothingIsSetAsideToo() throws Exception {
        String name = TestShare.uniqueName("dangling");

        Files.createSymbolicLink(SHARE.folder("inbox").resolve(name), SHARE.root().resolve("no-such-file.pdf"));

        assertThat(awaitSidecar(SHARE.folder("error").resolve(name), ".error.json").get("reason").asText())
                .isEqualTo("symbolic-link");
    }

    private static JsonNode awaitSidecar(Path file, String suffix) throws IOException {
        Path sidecar = ShareFolders.sidecarOf(file, suffix);
        await().atMost(WAIT).until(() -> Files.exists(sidecar));
        return JSON.readTree(sidecar.toFile());
    }

    private static JsonNode awaitReceived(byte[] pdf) throws IOException {
        String id = sha256(pdf);
        await().atMost(WAIT).until(() -> records(SHARE.receivedTopic(), id).size() == 1);
        return JSON.readTree(records(SHARE.receivedTopic(), id).get(0).value());
    }

    /** The stem made unique by a prefix, its start cut so that the whole name stays within 255 bytes. */
    private static String uniqueAtLimit(String stem) {
        String tag = UUID.randomUUID().toString().substring(0, 8) + " ";
        String name = tag + stem;
        while (name.getBytes(StandardCharsets.UTF_8).length > 255) {
            name = tag + name.substring(tag.length() + 1);
        }
        return name;
    }

    private static byte[] withBytesBefore(byte[] pdf) {
        byte[] junk = "Content-Type: application/pdf\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] both = Arrays.copyOf(junk, junk.length + pdf.length);
        System.arraycopy(pdf, 0, both, junk.length, pdf.length);
        return both;
    }

    private static String unique(String text) {
        return text + " " + UUID.randomUUID();
    }

    private static byte[] pdf(String text) {
        return TestPdfs.withText(text, "Test copy " + UUID.randomUUID());
    }
}
