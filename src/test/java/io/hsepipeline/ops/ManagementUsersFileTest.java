package io.hsepipeline.ops;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import io.hsepipeline.HsePipelineApplication;

/** A users file that cannot be used stops the start, saying which file and line to fix. */
class ManagementUsersFileTest {

    @Test
    void malformedLineStopsTheStartNamingFileAndLine() throws IOException {
        Path users = Files.createTempFile("management-users", "");
        String hash = new BCryptPasswordEncoder(4).encode("fine");
        Files.writeString(users, "# operators\nanna:" + hash + ":operator\nbert:plain-password:viewer\n");

        assertThatThrownBy(() -> start(users.toString()))
                .rootCause()
                .hasMessageContaining(users.toString())
                .hasMessageContaining("line 3")
                .hasMessageContaining("not a bcrypt hash")
                .hasMessageNotContaining("plain-password");
    }

    @Test
    void unknownRoleStopsTheStart() throws IOException {
        Path users = Files.createTempFile("management-users", "");
        Files.writeString(users, "carl:" + new BCryptPasswordEncoder(4).encode("fine") + ":admin\n");

        assertThatThrownBy(() -> start(users.toString()))
                .rootCause()
                .hasMessageContaining(users + " line 1")
                .hasMessageContaining("unknown role 'admin'");
    }

    @Test
    void missingFileStopsTheStart() {
        String missing = "/nonexistent/hse-pipeline/management/users";

        assertThatThrownBy(() -> start(missing))
                .rootCause()
                .hasMessageContaining(missing)
                .hasMessageContaining("cannot be read");
    }

    private static void start(String usersFile) {
        // command-line arguments, so they win over application.yaml as the environment variable would
        new SpringApplicationBuilder(HsePipelineApplication.class)
                .run("--hse.management.users-file=" + usersFile, "--server.port=0", "--management.server.port=0")
                .close();
    }
}
