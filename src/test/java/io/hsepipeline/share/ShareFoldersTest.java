package io.hsepipeline.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    private PipelineSettings settings() {
        return new PipelineSettings(share, null, null, null,
                List.of(new PipelineSettings.WatchedFolder("inbox", "inbox", List.of(), null, null, null)));
    }
}
