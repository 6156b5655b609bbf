package io.hsepipeline.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.failure.ServiceFailure;

class ShareFoldersTest {

    @TempDir
    Path share;

    @TempDir
    Path elsewhere;

    @Test
    void aLinkInProcessingIsNeverFollowedWhenAPdfIsReadForAService() throws Exception {
        ShareFolders folders = new ShareFolders(settings(), new ObjectMapper());
        Path secret = Files.writeString(elsewhere.resolve("secret.pdf"), "%PDF-1.7 not for the services");
        Path link = folders.processingPdf("f00d");
        Files.createSymbolicLink(link, secret);

        assertThatThrownBy(() -> folders.readPdf(link))
                .isInstanceOf(ServiceFailure.class)
                .hasMessageContaining("symbolic link")
                .satisfies(e -> assertThat(((ServiceFailure) e).reason()).isEqualTo("symbolic-link"));
        assertThatThrownBy(() -> folders.regularFile(link)).isInstanceOf(ServiceFailure.class);
    }

    @Test
    void aRegularPdfInProcessingIsReadWhole() throws Exception {
        ShareFolders folders = new ShareFolders(settings(), new ObjectMapper());
        Path pdf = Files.writeString(folders.processingPdf("beef"), "%PDF-1.7 ours");

        assertThat(folders.readPdf(pdf)).isEqualTo(Files.readAllBytes(pdf));
        assertThat(folders.regularFile(pdf)).isEqualTo(pdf);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "the share root itself, .",
            "inside done/, done/incoming",
            "processing/ itself, processing",
            "around error/ (a folder above the share), .."})
    void aWatchedFolderAroundOrInsideTheSharesOwnFoldersStopsTheStart(String where, String path) {
        PipelineSettings settings = settings(new PipelineSettings.WatchedFolder("inbox", path, List.of(), null, null, null));

        assertThatThrownBy(() -> new ShareFolders(settings, new ObjectMapper()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("watched folder 'inbox'")
                .hasMessageContaining("lie inside one another")
                .hasMessageContaining("hse.folders[].path");
    }

    @Test
    void aWatchedFolderInsideAnotherStopsTheStart() {
        PipelineSettings settings = settings(
                new PipelineSettings.WatchedFolder("inbox", "inbox", List.of(), null, null, null),
                new PipelineSettings.WatchedFolder("site-a", "inbox/site-a", List.of(), null, null, null));

        assertThatThrownBy(() -> new ShareFolders(settings, new ObjectMapper()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'inbox'")
                .hasMessageContaining("'site-a'");
    }

    @Test
    void watchedFoldersSideBySideStart() {
        ShareFolders folders = new ShareFolders(settings(
                new PipelineSettings.WatchedFolder("inbox", "inbox", List.of(), null, null, null),
                new PipelineSettings.WatchedFolder("inbox-site-a", "inbox-site-a", List.of(), null, null, null)),
                new ObjectMapper());

        assertThat(folders.watchedFolders()).hasSize(2);
    }

    @Test
    void aNameThatFitsKeepsItsSidecarNameWhole() {
        assertThat(ShareFolders.fitName("report.pdf", ".error.json")).isEqualTo("report.pdf.error.json");
    }

    @Test
    void aSidecarOfANameAtTheLengthLimitIsCutToFitKeepingItsStartAndTellingNamesApart() {
        String name = "é".repeat(100) + "x".repeat(46) + ".pdf";
        String other = "é".repeat(100) + "x".repeat(45) + "y.pdf";
        assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(250);

        String sidecar = ShareFolders.fitName(name, ".error.json");

        assertThat(sidecar.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(sidecar).startsWith("é".repeat(100)).endsWith(".error.json").matches("(?s).*~[0-9a-f]{8}\\.error\\.json");
        assertThat(ShareFolders.fitName(other, ".error.json")).isNotEqualTo(sidecar);
    }

    @Test
    void aTakenNameAtTheLengthLimitGetsANumberedVariantThatFits() throws Exception {
        ShareFolders folders = new ShareFolders(settings(), new ObjectMapper());
        String name = "n".repeat(251) + ".pdf";
        Path error = folders.folder(ShareFolders.ERROR);
        Files.writeString(error.resolve(name), "first");

        Path free = folders.freeName(error, name);

        assertThat(free.getFileName().toString().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(free.getFileName().toString()).endsWith("-2.pdf");
        Files.writeString(free, "second");
        Path sidecar = folders.writeSidecar(free, ".error.json", java.util.Map.of("fileName", name));
        assertThat(sidecar).exists();
    }

    @Test
    void aSubfolderWhoseNameAFileAlreadyTakesGetsANumberedVariant() throws Exception {
        ShareFolders folders = new ShareFolders(settings(), new ObjectMapper());
        Files.writeString(folders.folder(ShareFolders.DONE).resolve("scan.pdf"), "an earlier document");
        Path page = Files.writeString(folders.folder("inbox").resolve("page.pdf"), "%PDF-1.7 a page");

        Path moved = folders.moveInto(page, ShareFolders.DONE, "scan.pdf/a");

        assertThat(moved).isEqualTo(folders.folder(ShareFolders.DONE).resolve("scan.pdf-2/a/page.pdf"));
        assertThat(folders.folder(ShareFolders.DONE).resolve("scan.pdf")).hasContent("an earlier document");
    }

    @Test
    void aSubfolderThatWouldLeaveTheShareFolderIsRefused() {
        ShareFolders folders = new ShareFolders(settings(), new ObjectMapper());

        assertThatThrownBy(() -> folders.folderFor(ShareFolders.DONE, "a/../../etc"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private PipelineSettings settings(PipelineSettings.WatchedFolder... watched) {
        return new PipelineSettings(share, null, null, null, List.of(watched));
    }

    private PipelineSettings settings() {
        return new PipelineSettings(share, null, null, null,
                List.of(new PipelineSettings.WatchedFolder("inbox", "inbox", List.of(), null, null, null)));
    }
}
