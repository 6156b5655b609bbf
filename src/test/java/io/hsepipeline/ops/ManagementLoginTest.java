package io.hsepipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder.BCryptVersion;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.testing.TestShare;

/** Outside the local profile: who may log in on the management port, and what Jolokia lets each role do. */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DisableJmx(false)
class ManagementLoginTest {

    private static final String VIEWER = "vera";
    private static final String VIEWER_PASSWORD = "vera-looks-only";
    private static final String OPERATOR = "otto";
    private static final String OPERATOR_PASSWORD = "otto-runs-routes";
    private static final String ROUTE = "intake-inbox";

    @Value("${local.management.port}")
    int managementPort;

    @Value("${local.server.port}")
    int applicationPort;

    @Autowired
    CamelContext camel;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws IOException {
        TestShare.temporary("management-login-share").register(registry);
        try (ServerSocket socket = new ServerSocket(0)) {
            int closedPort = socket.getLocalPort();
            registry.add("hse.kafka.bootstrap-servers", () -> "localhost:" + closedPort);
        }
        // the viewer as htpasswd -B writes it ($2y$), in the mounted file; the operator in the setting
        String viewerHash = new BCryptPasswordEncoder(BCryptVersion.$2Y, 4).encode(VIEWER_PASSWORD);
        Path users = Files.createTempFile("management-users", "");
        Files.writeString(users, "# who may look at the pipeline\n\n" + VIEWER + ":" + viewerHash + ":viewer\n");
        registry.add("hse.management.users-file", users::toString);
        String operatorHash = new BCryptPasswordEncoder(4).encode(OPERATOR_PASSWORD);
        registry.add("hse.management.users", () -> OPERATOR + ":{bcrypt}" + operatorHash + ":operator");
    }

    @Test
    void anonymousIsRefusedByHawtioAndJolokiaWhileTheApplicationPortStaysOpen() {
        ManagementClient anonymous = new ManagementClient(managementPort);

        HttpResponse<String> user = anonymous.get("/actuator/hawtio/user");
        HttpResponse<String> jolokia = anonymous.get("/actuator/jolokia/search/org.apache.camel:type=routes,*");
        HttpResponse<String> viaHawtio = anonymous.get("/actuator/hawtio/jolokia/version");
        HttpResponse<String> page = anonymous.get("/actuator/hawtio/index.html");
        HttpResponse<String> loginMethods = anonymous.get("/actuator/hawtio/auth/config/login");
        HttpResponse<String> application = new ManagementClient(applicationPort).get("/no-such-page");

        assertThat(user.statusCode()).isIn(401, 403);
        assertThat(jolokia.statusCode()).isIn(401, 403);
        assertThat(jolokia.body()).doesNotContain(ROUTE);
        assertThat(jolokia.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(viaHawtio.statusCode()).isIn(401, 403);
        assertThat(page.statusCode()).as("Hawtio's login page itself loads").isEqualTo(200);
        assertThat(loginMethods.body()).as("Hawtio's page shows its own form")
                .contains("\"form\"", "/actuator/hawtio/auth/login");
        assertThat(application.statusCode()).as("no login on the application port").isEqualTo(404);
    }

    @Test
    void viewerLogsInOnHawtiosLoginPageAndTheSessionNamesHimUntilLogout() {
        ManagementClient browser = ManagementClient.browser(managementPort);

        HttpResponse<String> login = browser.postJson("/actuator/hawtio/auth/login",
                "{\"username\":\"" + VIEWER + "\",\"password\":\"" + VIEWER_PASSWORD + "\"}");
        HttpResponse<String> user = browser.get("/actuator/hawtio/user");
        HttpResponse<String> version = browser.get("/actuator/hawtio/jolokia/version");
        HttpResponse<String> logout = browser.get("/actuator/hawtio/auth/logout");
        HttpResponse<String> afterLogout = browser.get("/actuator/hawtio/user");

        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(cookie ->
                assertThat(cookie).startsWith("JSESSIONID=").containsIgnoringCase("SameSite=Strict"));
        assertThat(user.statusCode()).isEqualTo(200);
        assertThat(user.body().strip()).isEqualTo("\"" + VIEWER + "\"");
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(version.body()).contains("\"agent\"");
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/actuator/hawtio/login"));
        assertThat(afterLogout.statusCode()).isIn(401, 403);
    }

    @Test
    void wrongPasswordIsRefusedOnTheLoginPageAndInJolokia() {
        HttpResponse<String> login = ManagementClient.browser(managementPort).postJson("/actuator/hawtio/auth/login",
                "{\"username\":\"" + OPERATOR + "\",\"password\":\"" + VIEWER_PASSWORD + "\"}");
        HttpResponse<String> jolokia = ManagementClient.basic(managementPort, OPERATOR, "not-" + OPERATOR_PASSWORD)
                .get("/actuator/jolokia/version");
        HttpResponse<String> nobody = ManagementClient.basic(managementPort, "mallory", OPERATOR_PASSWORD)
                .get("/actuator/jolokia/version");

        assertThat(login.statusCode()).isEqualTo(403);
        assertThat(jolokia.statusCode()).isEqualTo(401);
        assertThat(nobody.statusCode()).isEqualTo(401);
    }

    @Test
    void viewerReadsAndSearchesButCannotStopARouteOrChangeASetting() {
        ManagementClient viewer = ManagementClient.basic(managementPort, VIEWER, VIEWER_PASSWORD);
        String route = routeMBean(viewer);

        JsonNode read = viewer.jolokia(read(route, "State"));
        JsonNode stop = viewer.jolokia(exec(route, "stop()"));
        JsonNode write = viewer.jolokia(write(contextMBean(viewer), "Timeout", 42));

        assertThat(read.path("status").asInt()).isEqualTo(200);
        assertThat(read.path("value").asText()).isEqualTo("Started");
        assertThat(stop.path("status").asInt()).isEqualTo(403);
        assertThat(write.path("status").asInt()).isEqualTo(403);
        assertThat(camel.getRouteController().getRouteStatus(ROUTE)).isEqualTo(ServiceStatus.Started);
        assertThat(camel.getShutdownStrategy().getTimeout()).isNotEqualTo(42);
    }

    @Test
    void operatorStopsAndStartsARouteAndChangesACamelSetting() {
        ManagementClient operator = ManagementClient.basic(managementPort, OPERATOR, OPERATOR_PASSWORD);
        String route = routeMBean(operator);
        long timeout = camel.getShutdownStrategy().getTimeout();

        JsonNode stop = operator.jolokia(exec(route, "stop()"));
        ServiceStatus stopped = camel.getRouteController().getRouteStatus(ROUTE);
        JsonNode start = operator.jolokia(exec(route, "start()"));
        JsonNode write = operator.jolokia(write(contextMBean(operator), "Timeout", timeout + 1));

        assertThat(stop.path("status").asInt()).isEqualTo(200);
        assertThat(stopped).isEqualTo(ServiceStatus.Stopped);
        assertThat(start.path("status").asInt()).isEqualTo(200);
        assertThat(camel.getRouteController().getRouteStatus(ROUTE)).isEqualTo(ServiceStatus.Started);
        assertThat(write.path("status").asInt()).isEqualTo(200);
        assertThat(camel.getShutdownStrategy().getTimeout()).isEqualTo(timeout + 1);
    }

    @Test
    void operatorCannotDumpTheHeapNorResolvePlaceholdersNorChangeTheJvm() throws IOException {
        ManagementClient operator = ManagementClient.basic(managementPort, OPERATOR, OPERATOR_PASSWORD);
        Path dump = Files.createTempDirectory("no-heap-dump").resolve("heap.hprof");

        JsonNode heap = operator.jolokia("{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\","
                + "\"operation\":\"dumpHeap\",\"arguments\":[\"" + dump + "\",true]}");
        JsonNode resolved = operator.jolokia(exec(contextMBean(operator), "dumpRoutesAsXml(boolean)", true));
        JsonNode gc = operator.jolokia(exec("java.lang:type=Memory", "gc()"));

        assertThat(heap.path("status").asInt()).isEqualTo(403);
        assertThat(dump).doesNotExist();
        assertThat(resolved.path("status").asInt()).isEqualTo(403);
        assertThat(gc.path("status").asInt()).isEqualTo(403);
    }

    // other test classes' Camel contexts share this JVM's MBean server: only this one's names count
    private String routeMBean(ManagementClient client) {
        return only(client, "org.apache.camel:context=" + camel.getManagementName() + ",type=routes,name=\"" + ROUTE
                + "\",*");
    }

    private String contextMBean(ManagementClient client) {
        return only(client, "org.apache.camel:context=" + camel.getManagementName() + ",type=context,*");
    }

    private static String only(ManagementClient client, String pattern) {
        JsonNode names = client.jolokia("{\"type\":\"search\",\"mbean\":" + quote(pattern) + "}").path("value");
        assertThat(names.size()).as("MBeans named " + pattern).isEqualTo(1);
        return names.path(0).asText();
    }

    static String read(String mbean, String attribute) {
        return "{\"type\":\"read\",\"mbean\":" + quote(mbean) + ",\"attribute\":\"" + attribute + "\"}";
    }

    static String write(String mbean, String attribute, Object value) {
        return "{\"type\":\"write\",\"mbean\":" + quote(mbean) + ",\"attribute\":\"" + attribute + "\",\"value\":"
                + value + "}";
    }

    static String exec(String mbean, String operation, Object... arguments) {
        StringBuilder args = new StringBuilder();
        for (Object argument : arguments) {
            args.append(args.isEmpty() ? "" : ",").append(argument instanceof String s ? quote(s) : argument);
        }
        return "{\"type\":\"exec\",\"mbean\":" + quote(mbean) + ",\"operation\":\"" + operation + "\",\"arguments\":["
                + args + "]}";
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
