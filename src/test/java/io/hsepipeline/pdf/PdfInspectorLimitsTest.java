package io.hsepipeline.pdf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hsepipeline.pdf.PdfInspector.Limit;
import io.hsepipeline.testing.TestPdfs;

/** Intake knows each service's upload limit before any work starts: the smallest one decides. */
class PdfInspectorLimitsTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void fileAboveFourHseAttachmentLimitIsRefusedAsTooLargeNamingFourHseAndItsSetting() throws Exception {
        PdfInspector inspector = new PdfInspector(List.of(new Limit("pipeline", "HSE_MAX_FILE_SIZE", 100 * MIB),
                new Limit("hypatos", "HYPATOS_MAX_FILE_SIZE", 100 * MIB),
                new Limit("hsegenius", "HSEGENIUS_MAX_FILE_SIZE", 100 * MIB),
                new Limit("fourhse", "FOURHSE_MAX_FILE_SIZE", 20 * MIB)), 0);
        Path file = Files.write(dir.resolve("big.pdf"), Arrays.copyOf(TestPdfs.withText("Big"), (int) (20 * MIB) + 1));

        PdfCheck check = inspector.inspect(file);

        assertThat(check.rejection()).isNotNull();
        assertThat(check.rejection().reason()).isEqualTo("too-large");
        assertThat(check.rejection().detail()).contains("fourhse").contains("FOURHSE_MAX_FILE_SIZE");
        assertThat(check.rejection().action()).contains("FOURHSE_MAX_FILE_SIZE");
    }

    @Test
    void fileWithinEveryLimitIsNotRefusedForItsSize() throws Exception {
        PdfInspector inspector = new PdfInspector(List.of(new Limit("pipeline", "HSE_MAX_FILE_SIZE", 100 * MIB),
                new Limit("fourhse", "FOURHSE_MAX_FILE_SIZE", 20 * MIB)), 0);
        Path file = Files.write(dir.resolve("small.pdf"), TestPdfs.withText("Small"));

        assertThat(inspector.inspect(file).rejection()).isNull();
    }

    @Test
    void smallestOfTheLimitsIsTheOneIntakeApplies() {
        PdfInspector inspector = new PdfInspector(List.of(new Limit("pipeline", "HSE_MAX_FILE_SIZE", 100 * MIB),
                new Limit("hypatos", "HYPATOS_MAX_FILE_SIZE", 100 * MIB),
                new Limit("fourhse", "FOURHSE_MAX_FILE_SIZE", 20 * MIB)), 0);

        assertThat(inspector.limit()).isEqualTo(new Limit("fourhse", "FOURHSE_MAX_FILE_SIZE", 20 * MIB));
    }
}
