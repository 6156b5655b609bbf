package io.hsepipeline.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.hsepipeline.testing.SandboxHttp;

/** make check: the preflight against the sandbox, as against the real services. */
class PreflightTest {

    private static final SandboxHttp SANDBOX = SandboxHttp.start(Duration.ofMillis(300));

    @AfterAll
    static void stopSandbox() {
        SANDBOX.close();
    }

    @AfterEach
    void restoreKnobs() {
        SANDBOX.reset();
    }

    @Test
    void everyCheckPassesAgainstTheSandboxAndNothingIsCreated() {
        StringBuilder out = new StringBuilder();

        int exit = run(out);

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString().lines().filter(l -> l.startsWith("FAIL"))).isEmpty();
        assertThat(out.toString()).contains("ok   hypatos: credentials", "ok   hsegenius: filter HSEGENIUS_UPLOAD_FILTER",
                "ok   hsegenius: customer", "ok   fourhse: project", "ok   qehs: mapping");
        assertThat(SANDBOX.entities("hypatos").path("files")).isEmpty();
        assertThat(SANDBOX.entities("hsegenius").path("uploads")).isEmpty();
        assertThat(SANDBOX.entities("fourhse").path("certificates")).isEmpty();
        assertThat(SANDBOX.entities("qehs").path("records")).isEmpty();
    }

    @Test
    void swaggerThatNamesOtherFiltersFailsTheCheckNamingTheFilterSetting() {
        SANDBOX.faults("{\"hsegenius\": {\"declaredFilters\": \"eer_codes,upload_ref,ids\"}}");
        StringBuilder out = new StringBuilder();

        int exit = run(out);

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL hsegenius: filter HSEGENIUS_UPLOAD_FILTER",
                "FAIL hsegenius: filter HSEGENIUS_VALIDATE_SELECTION", "Set HSEGENIUS_UPLOAD_FILTER",
                "upload_ref");
    }

    @Test
    void refusedCredentialsFailTheCheckNamingTheSettingsToSet() {
        StringBuilder out = new StringBuilder();

        int exit = run(out, "--HSEGENIUS_PASSWORD=not-the-password-9f3");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL hsegenius: credentials").contains("HSEGENIUS_PASSWORD")
                .doesNotContain("not-the-password-9f3");
    }

    private static int run(StringBuilder out, String... extra) {
        List<String> args = new ArrayList<>();
        SANDBOX.applicationSettings().forEach((name, value) -> args.add("--" + name + "=" + value));
        args.add("--HSE_PREFLIGHT_AT_START=false");
        args.addAll(List.of(extra));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = PreflightMain.run(args.toArray(String[]::new), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        out.append(bytes.toString(StandardCharsets.UTF_8));
        return exit;
    }
}
