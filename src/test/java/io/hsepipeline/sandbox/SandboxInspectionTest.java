package io.hsepipeline.sandbox;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.hsepipeline.sandbox.DefaultCredentials.QEHS_API_KEY;
import static io.hsepipeline.sandbox.DefaultCredentials.QEHS_MODULE_KEY;
import static org.assertj.core.api.Assertions.assertThat;

class SandboxInspectionTest {

    private static Sandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxSettings.defaults().withPorts(0, 0, 0, 0));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void eachServiceListensOnItsOwnPortAndApplicationSettingsPointThere() {
        Set<Integer> ports = new HashSet<>();
        SandboxSettings.SERVICES.forEach(s -> ports.add(sandbox.port(s)));
        Map<String, String> app = sandbox.applicationSettings();

        assertThat(ports).hasSize(4);
        assertThat(app.get("HYPATOS_BASE_URL")).isEqualTo("http://localhost:" + sandbox.port("hypatos") + "/v2");
        assertThat(app.get("FOURHSE_TOKEN_URL")).isEqualTo("http://localhost:" + sandbox.port("fourhse")
                + "/realms/4hse/protocol/openid-connect/token");
        assertThat(app).containsKeys("HSEGENIUS_BASE_URL", "HSEGENIUS_EMAIL", "FOURHSE_API_KEY", "QEHS_MODULE_KEY");
    }

    @Test
    void callsEntitiesAndStatsAreServedOnEveryPortAndResetClearsThem() {
        SandboxClient qehs = new SandboxClient(sandbox, "qehs");
        SandboxClient hypatos = new SandboxClient(sandbox, "hypatos");
        qehs.reset();
        qehs.postJson("/api/v1/records", QEHS_API_KEY, Map.of("moduleKey", QEHS_MODULE_KEY, "payload",
                Map.of("title", "t", "document_id", "b".repeat(64), "source_record_id", "1", "eer_codes", List.of("150102"))));
        qehs.get("/api/v1/nothing-here", QEHS_API_KEY);

        assertThat(hypatos.calls("qehs")).extracting(c -> c.path("method").asText() + " " + c.path("path").asText()
                + " " + c.path("status").asInt()).containsExactly("POST /api/v1/records 201", "GET /api/v1/nothing-here 404");
        assertThat(hypatos.entities("qehs").path("records")).hasSize(1);
        assertThat(hypatos.stats().path("qehs").path("requests").asLong()).isEqualTo(2);
        assertThat(hypatos.stats().path("qehs").path("contractViolations").asLong()).isEqualTo(1);
        assertThat(hypatos.get("/_sandbox/nobody/calls", null).status()).isEqualTo(404);

        hypatos.reset();

        assertThat(qehs.calls("qehs")).isEmpty();
        assertThat(qehs.entities("qehs").path("records")).isEmpty();
        assertThat(qehs.stats().path("qehs").path("requests").asLong()).isZero();
    }
}
