package io.hsepipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Probe;
import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.testing.TestShare;

/**
 * The application started the way the pod lays it out: routes and mappings in folders shaped like mounted
 * ConfigMaps, no Kafka broker reachable yet (as while Strimzi starts).
 */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KubernetesPodLayoutTest {

    private static final Path ROUTES = Path.of("routes");
    /** What the kubelet writes for a ConfigMap volume: the files in a timestamped folder, reached through links. */
    private static final String SNAPSHOT = "..2026_01_01_00_00_00.000000001";

    private static Path routesMount;

    @Value("${local.management.port}")
    int managementPort;

    @Autowired
    CamelContext camel;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws IOException {
        TestShare.temporary("pod-layout-share").register(registry);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String nobody = "localhost:" + closedPort;
        registry.add("hse.kafka.bootstrap-servers", () -> nobody);
        // the extract routes exist only with Hypatos configured; nothing here calls it
        registry.add("hse.hypatos.client-id", () -> "pod-layout-client");
        registry.add("hse.hypatos.project-id", () -> "pod-layout-project");
        registry.add("hse.hypatos.base-url", () -> "http://" + nobody + "/v2");
        Path mounts = Files.createTempDirectory("pod-layout-mounts");
        routesMount = configMapVolume(mounts.resolve("routes"), routeFiles());
        Path mappingsMount = configMapVolume(mounts.resolve("mappings"), files(ROUTES.resolve("mappings")));
        registry.add("camel.main.routes-include-pattern", () -> "file:" + routesMount + "/*.camel.yaml");
        registry.add("hse.mappings", mappingsMount::toString);
    }

    @Test
    void everyRouteOfTheRoutesFolderIsLoadedOnceFromAConfigMapShapedMount() throws IOException {
        List<String> expected = routeIds();
        Map<String, Long> loaded = camel.getRoutes().stream()
                .collect(Collectors.groupingBy(Route::getRouteId, Collectors.counting()));
        TreeSet<String> sources = camel.getRoutes().stream().map(Route::getSourceResource)
                .filter(resource -> resource != null && resource.getLocation().contains(routesMount.toString()))
                .map(resource -> resource.getLocation()).collect(Collectors.toCollection(TreeSet::new));

        assertThat(expected).hasSizeGreaterThan(20);
        expected.forEach(id -> assertThat(loaded.get(id)).as("route %s loaded", id).isEqualTo(1L));
        // a file of route templates only (the building blocks) is the source of no route: its instances name theirs
        assertThat(sources).as("each route file read through its own link, never through ..data")
                .hasSize(routeFiles().size() - templateOnlyFiles().size())
                .allSatisfy(location -> assertThat(location).doesNotContain("..data").doesNotContain(SNAPSHOT));
    }

    @Test
    void theDeploymentsProbesHitPathsTheManagementPortServes() throws Exception {
        RenderedManifests prod = RenderedManifests.overlay("prod");
        Container container = KubernetesManifestsTest.container(prod);
        List<Probe> probes = Stream.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe()).toList();
        assertThat(probes).doesNotContainNull();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        List<String> answers = new ArrayList<>();
        for (Probe probe : probes) {
            HTTPGetAction get = probe.getHttpGet();
            String port = get.getPort().getStrVal();
            assertThat(container.getPorts()).filteredOn(p -> p.getName().equals(port)).singleElement()
                    .satisfies(p -> assertThat(p.getContainerPort()).as("the management port").isEqualTo(8081));
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + managementPort + get.getPath())).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            answers.add(get.getPath() + " " + response.statusCode());
            assertThat(response.statusCode()).as(get.getPath()).isNotEqualTo(404);
        }
        // with no broker the application lives but is not ready
        assertThat(answers).contains("/actuator/health/liveness 200", "/actuator/health/readiness 503");
    }

    /** {@code dir/..<timestamp>/<files>}, {@code dir/..data -> ..<timestamp>}, {@code dir/<file> -> ..data/<file>}. */
    private static Path configMapVolume(Path dir, List<Path> files) throws IOException {
        Path snapshot = Files.createDirectories(dir.resolve(SNAPSHOT));
        for (Path file : files) {
            Files.copy(file, snapshot.resolve(file.getFileName().toString()));
        }
        Files.createSymbolicLink(dir.resolve("..data"), Path.of(SNAPSHOT));
        for (Path file : files) {
            String name = file.getFileName().toString();
            Files.createSymbolicLink(dir.resolve(name), Path.of("..data", name));
        }
        return dir;
    }

    private static List<Path> routeFiles() {
        return files(ROUTES).stream().filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).toList();
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ids of the routes (not templates) in routes/*.camel.yaml, those made from a template there included. */
    private static List<String> routeIds() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> ids = new ArrayList<>();
        for (Path file : routeFiles()) {
            for (JsonNode entry : yaml.readTree(file.toFile())) {
                JsonNode id = entry.has("templatedRoute") ? entry.path("templatedRoute").path("routeId")
                        : entry.path("route").path("id");
                if (id.isTextual()) {
                    ids.add(id.asText());
                }
            }
        }
        return ids;
    }

    /** The route files that hold nothing but route templates. */
    private static List<Path> templateOnlyFiles() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<Path> files = new ArrayList<>();
        for (Path file : routeFiles()) {
            boolean templatesOnly = true;
            for (JsonNode entry : yaml.readTree(file.toFile())) {
                templatesOnly &= entry.has("routeTemplate");
            }
            if (templatesOnly) {
                files.add(file);
            }
        }
        return files;
    }
}
