package io.hsepipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

/**
 * One overlay of kubernetes/ rendered by {@code kubectl kustomize}, each document read into its Fabric8 type. A field
 * Kubernetes does not know (a typo, a wrong indentation) fails the reading: Fabric8 would keep it quietly.
 */
final class RenderedManifests {

    static final Path KUBERNETES = Path.of("kubernetes");

    /** KafkaTopic is a Strimzi custom resource: read generically and checked field by field by the tests. */
    private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.ofEntries(
            Map.entry("ConfigMap", ConfigMap.class),
            Map.entry("Secret", Secret.class),
            Map.entry("Service", Service.class),
            Map.entry("ServiceAccount", ServiceAccount.class),
            Map.entry("PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("Deployment", Deployment.class),
            Map.entry("NetworkPolicy", NetworkPolicy.class),
            Map.entry("PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("Role", Role.class),
            Map.entry("RoleBinding", RoleBinding.class),
            Map.entry("KafkaTopic", GenericKubernetesResource.class));

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final String overlay;
    private final List<HasMetadata> resources;

    private RenderedManifests(String overlay, List<HasMetadata> resources) {
        this.overlay = overlay;
        this.resources = resources;
    }

    /** kubectl kustomize kubernetes/overlays/{overlay}. */
    static RenderedManifests overlay(String overlay) {
        return new RenderedManifests(overlay, read("overlays/" + overlay, kustomize(KUBERNETES.resolve("overlays").resolve(overlay))));
    }

    /** A plain manifest file under kubernetes/, e.g. the Secret example no kustomization includes. */
    static RenderedManifests file(String name) {
        try {
            return new RenderedManifests(name, read(name, Files.readString(KUBERNETES.resolve(name))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String overlay() {
        return overlay;
    }

    List<HasMetadata> all() {
        return resources;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<GenericKubernetesResource> kafkaTopics() {
        return all(GenericKubernetesResource.class).stream().filter(r -> "KafkaTopic".equals(r.getKind())).toList();
    }

    <T extends HasMetadata> T only(Class<T> type) {
        List<T> found = all(type);
        assertThat(found).as("%s in %s", type.getSimpleName(), overlay).hasSize(1);
        return found.get(0);
    }

    <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
        return all(type).stream().filter(r -> name.equals(r.getMetadata().getName())).findFirst();
    }

    private static String kustomize(Path dir) {
        ProcessBuilder builder = new ProcessBuilder(System.getenv().getOrDefault("KUBECTL", "kubectl"), "kustomize", dir.toString()).redirectErrorStream(false);
        try {
            Path errors = Files.createTempFile("kustomize", ".err");
            builder.redirectError(errors.toFile());
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                fail("kubectl kustomize " + dir + " failed: " + Files.readString(errors));
            }
            Files.deleteIfExists(errors);
            return out;
        } catch (IOException e) {
            return fail("These tests render kubernetes/ with kubectl kustomize: install kubectl 1.27 or newer "
                    + "(https://kubernetes.io/docs/tasks/tools/); " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<HasMetadata> read(String source, String yaml) {
        List<HasMetadata> read = new ArrayList<>();
        try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isNull() || document.isMissingNode()) {
                    continue;
                }
                String kind = document.path("kind").asText();
                Class<? extends HasMetadata> type = TYPES.get(kind);
                assertThat(type).as("a kind these tests know, in %s: %s", source, kind).isNotNull();
                HasMetadata resource = JSON.treeToValue(document, type);
                String where = source + " " + kind + "/" + resource.getMetadata().getName();
                if (type != GenericKubernetesResource.class) {
                    assertThat(resource.getApiVersion()).as("apiVersion of %s", where).isEqualTo(HasMetadata.getApiVersion(type));
                    List<String> unknown = new ArrayList<>();
                    unknownFields(resource, kind, unknown, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
                    assertThat(unknown).as("fields Kubernetes does not know, in %s", where).isEmpty();
                } else {
                    List<String> unknown = new ArrayList<>();
                    unknownFields(resource.getMetadata(), kind + ".metadata", unknown,
                            java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
                    assertThat(unknown).as("fields Kubernetes does not know, in %s", where).isEmpty();
                }
                read.add(resource);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return read;
    }

    /** Fabric8 keeps what it cannot map in additionalProperties: every one of them, at any depth, is unknown. */
    private static void unknownFields(Object value, String path, List<String> unknown, Set<Object> seen) {
        if (value == null || !seen.add(value)) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> unknownFields(item, path + "." + key, unknown, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getReturnType().isPrimitive()
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object property = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(key -> unknown.add(path + "." + key));
                }
            } else {
                unknownFields(property, path + "." + decapitalize(getter.getName().substring(3)), unknown, seen);
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return null;
        }
    }

    private static String decapitalize(String name) {
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
