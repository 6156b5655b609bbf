package io.hsepipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

/** kubernetes/ rendered as kubectl would apply it, read into Kubernetes' types and held against the application. */
class KubernetesManifestsTest {

    private static final Path ROUTES = Path.of("routes");
    private static final Pattern NO_DEFAULT = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):}");
    private static final Pattern CREDENTIAL = Pattern.compile(".*(SECRET|PASSWORD|API_KEY|CLIENT_ID|EMAIL|USERNAME|JAAS).*");
    private static final Pattern TOPIC_PLACEHOLDER = Pattern.compile("\\{\\{hse\\.topics\\.([a-z-]+)}}");

    private static RenderedManifests dev;
    private static RenderedManifests prod;
    private static RenderedManifests secrets;
    private static JsonNode settings;
    private static String settingsText;

    @BeforeAll
    static void render() throws IOException {
        dev = RenderedManifests.overlay("dev");
        prod = RenderedManifests.overlay("prod");
        secrets = RenderedManifests.file("secrets.example.yaml");
        settingsText = Files.readString(Path.of("src/main/resources/application.yaml"));
        settings = new ObjectMapper(new YAMLFactory()).readTree(settingsText);
    }

    private static RenderedManifests overlay(String name) {
        return name.equals("dev") ? dev : prod;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyDocumentIsAKnownKindWithNoFieldKubernetesWouldNotKnow(String name) {
        // reading (RenderedManifests) fails on unknown fields; here: everything the pipeline needs is there
        Set<String> kinds = overlay(name).all().stream().map(r -> r.getKind()).collect(Collectors.toSet());

        assertThat(kinds).contains("Deployment", "Service", "ConfigMap", "ServiceAccount", "Role", "RoleBinding",
                "PersistentVolumeClaim", "NetworkPolicy", "KafkaTopic");
        assertThat(secrets.all(Secret.class)).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("hse-pipeline-credentials", "hse-pipeline-management");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theApplicationGetsEverySettingWithoutDefaultAndTheKubernetesProfile(String name) {
        RenderedManifests manifests = overlay(name);
        Map<String, String> environment = environment(manifests);
        Set<String> noDefault = new TreeSet<>();
        Matcher matcher = NO_DEFAULT.matcher(settingsText);
        while (matcher.find()) {
            noDefault.add(matcher.group(1));
        }

        assertThat(noDefault).contains("HYPATOS_CLIENT_SECRET", "QEHS_API_KEY");
        // inline logins are the alternative to the users file, which the Deployment mounts
        noDefault.remove("HSE_MANAGEMENT_USERS");
        assertThat(environment).containsKeys(noDefault.toArray(String[]::new));
        assertThat(environment).containsKeys("HSE_SHARE_DIR", "KAFKA_BOOTSTRAP_SERVERS", "HSE_ROUTES",
                "HSE_MAPPINGS_DIR", "HSE_MANAGEMENT_USERS_FILE", "POD_NAME", "POD_NAMESPACE");
        assertThat(environment).containsEntry("SPRING_PROFILES_ACTIVE", "kubernetes")
                .containsEntry("POD_NAME", "fieldRef:metadata.name")
                .containsEntry("POD_NAMESPACE", "fieldRef:metadata.namespace");
        noDefault.stream().filter(variable -> CREDENTIAL.matcher(variable).matches()).forEach(variable ->
                assertThat(environment.get(variable)).as("%s comes from a Secret", variable).startsWith("secret:"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyConfigMapAndSecretKeyTheDeploymentNamesExists(String name) {
        RenderedManifests manifests = overlay(name);
        Container container = container(manifests);
        List<String> missing = new ArrayList<>();

        container.getEnvFrom().forEach(source -> {
            if (source.getConfigMapRef() != null && configMap(manifests, source.getConfigMapRef().getName()) == null) {
                missing.add("ConfigMap " + source.getConfigMapRef().getName());
            }
        });
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValueFrom() == null) {
                continue;
            }
            var configKey = variable.getValueFrom().getConfigMapKeyRef();
            if (configKey != null && !keys(configMap(manifests, configKey.getName())).contains(configKey.getKey())) {
                missing.add("ConfigMap " + configKey.getName() + " key " + configKey.getKey());
            }
            var secretKey = variable.getValueFrom().getSecretKeyRef();
            if (secretKey != null && !secretKeys(secretKey.getName()).contains(secretKey.getKey())) {
                missing.add("Secret " + secretKey.getName() + " key " + secretKey.getKey());
            }
        }
        for (Volume volume : pod(manifests).getVolumes()) {
            if (volume.getConfigMap() != null) {
                ConfigMap map = configMap(manifests, volume.getConfigMap().getName());
                if (map == null) {
                    missing.add("ConfigMap " + volume.getConfigMap().getName());
                }
            }
            if (volume.getSecret() != null) {
                Set<String> keys = secretKeys(volume.getSecret().getSecretName());
                volume.getSecret().getItems().stream().filter(item -> !keys.contains(item.getKey()))
                        .forEach(item -> missing.add("Secret " + volume.getSecret().getSecretName() + " key " + item.getKey()));
            }
            if (volume.getPersistentVolumeClaim() != null
                    && manifests.named(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class,
                            volume.getPersistentVolumeClaim().getClaimName()).isEmpty()) {
                missing.add("PersistentVolumeClaim " + volume.getPersistentVolumeClaim().getClaimName());
            }
        }

        assertThat(missing).isEmpty();
        assertThat(manifests.only(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(manifests.only(io.fabric8.kubernetes.api.model.ServiceAccount.class).getMetadata().getName());
    }

    @Test
    void routesAndMappingsAreMountedWhereTheSettingsLookAndHoldEveryFileOfRoutesFolder() throws IOException {
        Map<String, String> environment = environment(prod);
        String routesPattern = environment.get("HSE_ROUTES");
        assertThat(routesPattern).startsWith("file:").endsWith("/*.camel.yaml");
        String routesDir = routesPattern.substring("file:".length(), routesPattern.lastIndexOf('/'));
        String mappingsDir = environment.get("HSE_MAPPINGS_DIR");

        ConfigMap routes = mountedConfigMap(prod, routesDir);
        ConfigMap mappings = mountedConfigMap(prod, mappingsDir);

        Set<String> routeFiles = files(ROUTES, "glob:*.camel.yaml");
        Set<String> mappingFiles = files(ROUTES.resolve("mappings"), "glob:*");
        assertThat(routeFiles).hasSizeGreaterThanOrEqualTo(7);
        assertThat(keys(routes)).isEqualTo(routeFiles);
        assertThat(keys(mappings)).isEqualTo(mappingFiles);
        // nothing else may sit in routes/ unnoticed: every file is a route, a mapping or the kustomization
        try (Stream<Path> all = Files.walk(ROUTES)) {
            Set<String> other = all.filter(Files::isRegularFile).map(p -> ROUTES.relativize(p).toString())
                    .filter(p -> !routeFiles.contains(p) && !p.equals("kustomization.yaml")
                            && !(p.startsWith("mappings/") && mappingFiles.contains(p.substring("mappings/".length()))))
                    .collect(Collectors.toSet());
            assertThat(other).as("files in routes/ that no ConfigMap carries").isEmpty();
        }
        assertThat(routes.getData().get("10-intake.camel.yaml")).isEqualTo(Files.readString(ROUTES.resolve("10-intake.camel.yaml")));
    }

    @Test
    void theManagementUsersFileIsTheSecretKeyMountedAtThePathTheApplicationReads() {
        String usersFile = environment(prod).get("HSE_MANAGEMENT_USERS_FILE");
        assertThat(usersFile).isEqualTo("/etc/hse-pipeline/management/users");

        VolumeMount mount = mountAt(prod, "/etc/hse-pipeline/management");
        Volume volume = volume(prod, mount.getName());

        assertThat(mount.getReadOnly()).isTrue();
        assertThat(volume.getSecret().getItems()).singleElement().satisfies(item -> {
            assertThat(item.getKey()).isEqualTo("management-users");
            assertThat(mount.getMountPath() + "/" + item.getPath()).isEqualTo(usersFile);
        });
    }

    @Test
    void everyTopicOfTheRoutesAndEveryDeadLetterTopicHasAKafkaTopic() throws IOException {
        JsonNode topics = settings.at("/hse/topics");
        Set<String> named = new TreeSet<>();
        try (Stream<Path> files = Files.list(ROUTES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Matcher matcher = TOPIC_PLACEHOLDER.matcher(Files.readString(file));
                while (matcher.find()) {
                    named.add(matcher.group(1));
                }
            }
        }
        Set<String> wanted = new TreeSet<>();
        for (String key : named) {
            if (key.equals("dead-letter-prefix")) {
                for (String stage : topics.path("dead-letter-stages").asText().split(",")) {
                    wanted.add(topics.path("dead-letter-prefix").asText() + stage.trim());
                }
            } else {
                wanted.add(topics.path(key).asText());
            }
        }
        wanted.add(topics.path("ledger").asText());

        for (RenderedManifests manifests : List.of(dev, prod)) {
            Map<String, GenericKubernetesResource> byTopic = new HashMap<>();
            for (GenericKubernetesResource topic : manifests.kafkaTopics()) {
                assertThat(topic.getApiVersion()).isEqualTo("kafka.strimzi.io/v1");
                assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "hse-kafka");
                Map<String, Object> spec = topic.get("spec");
                assertThat(spec).as("spec of %s", topic.getMetadata().getName()).isNotNull();
                assertThat(spec.keySet()).isSubsetOf("topicName", "partitions", "replicas", "config");
                assertThat((Integer) spec.get("partitions")).isPositive();
                assertThat((Integer) spec.get("replicas")).isPositive();
                byTopic.put((String) spec.get("topicName"), topic);
            }
            assertThat(byTopic.keySet()).as("KafkaTopics of %s", manifests.overlay()).containsAll(wanted);
            for (String name : wanted) {
                Map<String, Object> config = byTopic.get(name).get("spec", "config");
                boolean compacted = name.equals(topics.path("status").asText()) || name.equals(topics.path("ledger").asText());
                if (compacted) {
                    assertThat(config).as(name).containsEntry("cleanup.policy", "compact");
                } else {
                    assertThat(config).as(name).containsEntry("cleanup.policy", "delete").containsKey("retention.ms");
                }
            }
        }
        assertThat(wanted).contains("hse.documents.status", "hse.intake.ledger", "hse.dlt.validate", "hse.records.validated");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void thePodRunsAsNonRootOnAReadOnlyFileSystemWithTmpInMemoryAndSizedResources(String name) {
        RenderedManifests manifests = overlay(name);
        PodSpec pod = pod(manifests);
        Container container = container(manifests);

        assertThat(pod.getEnableServiceLinks()).as("no variables of other Services mixed into the settings").isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(volume(manifests, mountAt(manifests, "/tmp").getName()).getEmptyDir()).isNotNull();
        assertThat(volume(manifests, mountAt(manifests, environment(manifests).get("HSE_SHARE_DIR")).getName())
                .getPersistentVolumeClaim()).isNotNull();
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
        assertThat(environment(manifests).get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=");
        assertThat(manifests.only(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class).getSpec().getAccessModes())
                .containsExactly("ReadWriteMany");
    }

    @Test
    void prodRunsTwoReplicasThatADrainNeverTakesDownTogetherAndDevOne() {
        Deployment deployment = prod.only(Deployment.class);
        PodDisruptionBudget budget = prod.only(PodDisruptionBudget.class);

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(budget.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getLabels());
        assertThat(dev.only(Deployment.class).getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void theServiceAccountMayOnlyKeepItsLeaseAndLookUpPods() {
        Role role = prod.only(Role.class);
        RoleBinding binding = prod.only(RoleBinding.class);

        assertThat(role.getRules()).hasSize(2);
        PolicyRule leases = rule(role, "coordination.k8s.io");
        PolicyRule pods = rule(role, "");
        assertThat(leases.getResources()).containsExactly("leases");
        assertThat(leases.getVerbs()).containsExactlyInAnyOrder("get", "create", "update", "list", "watch");
        assertThat(pods.getResources()).containsExactly("pods");
        assertThat(pods.getVerbs()).containsExactlyInAnyOrder("get", "list");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo(pod(prod).getServiceAccountName());
        });
    }

    @Test
    void managementIsReachableOnlyFromTheNamespaceAndTrafficOutOnlyToKafkaDnsAndHttps() {
        NetworkPolicy policy = prod.only(NetworkPolicy.class);
        Map<Integer, List<NetworkPolicyPeer>> ingress = new HashMap<>();
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            rule.getPorts().forEach(port -> ingress.put(port.getPort().getIntVal(), rule.getFrom()));
        }
        Set<Integer> egressPorts = new HashSet<>();
        for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
            rule.getPorts().forEach(port -> egressPorts.add(port.getPort().getIntVal()));
        }

        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(prod.only(Deployment.class).getSpec().getSelector().getMatchLabels());
        assertThat(ingress.keySet()).containsExactlyInAnyOrder(8080, 8081);
        assertThat(ingress.get(8080)).isEmpty();
        assertThat(ingress.get(8081)).singleElement().satisfies(peer -> {
            assertThat(peer.getNamespaceSelector()).as("same namespace only").isNull();
            assertThat(peer.getIpBlock()).isNull();
            assertThat(peer.getPodSelector()).isNotNull();
        });
        assertThat(egressPorts).containsExactlyInAnyOrder(9092, 9093, 53, 443);
        NetworkPolicyEgressRule kafka = policy.getSpec().getEgress().stream()
                .filter(rule -> rule.getPorts().stream().anyMatch(port -> port.getPort().getIntVal() == 9092))
                .findFirst().orElseThrow();
        assertThat(kafka.getTo()).singleElement().satisfies(peer ->
                assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("strimzi.io/cluster", "hse-kafka"));
    }

    /** The container's environment: a value, "secret:name/key", "configmap:name" or "fieldRef:path". */
    static Map<String, String> environment(RenderedManifests manifests) {
        Container container = container(manifests);
        Map<String, String> environment = new HashMap<>();
        container.getEnvFrom().forEach(source -> {
            if (source.getConfigMapRef() != null) {
                ConfigMap map = configMap(manifests, source.getConfigMapRef().getName());
                if (map != null) {
                    environment.putAll(map.getData());
                }
            }
        });
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValueFrom() == null) {
                environment.put(variable.getName(), variable.getValue());
            } else if (variable.getValueFrom().getSecretKeyRef() != null) {
                var ref = variable.getValueFrom().getSecretKeyRef();
                environment.put(variable.getName(), "secret:" + ref.getName() + "/" + ref.getKey());
            } else if (variable.getValueFrom().getFieldRef() != null) {
                environment.put(variable.getName(), "fieldRef:" + variable.getValueFrom().getFieldRef().getFieldPath());
            } else if (variable.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = variable.getValueFrom().getConfigMapKeyRef();
                environment.put(variable.getName(), keys(configMap(manifests, ref.getName())).contains(ref.getKey())
                        ? configMap(manifests, ref.getName()).getData().get(ref.getKey()) : null);
            }
        }
        return environment;
    }

    static PodSpec pod(RenderedManifests manifests) {
        return manifests.only(Deployment.class).getSpec().getTemplate().getSpec();
    }

    static Container container(RenderedManifests manifests) {
        assertThat(pod(manifests).getContainers()).hasSize(1);
        return pod(manifests).getContainers().get(0);
    }

    private static ConfigMap configMap(RenderedManifests manifests, String name) {
        return manifests.named(ConfigMap.class, name).orElse(null);
    }

    private static Set<String> keys(ConfigMap map) {
        return map == null || map.getData() == null ? Set.of() : map.getData().keySet();
    }

    private static Set<String> secretKeys(String name) {
        Secret secret = secrets.named(Secret.class, name).orElse(null);
        if (secret == null) {
            return Set.of();
        }
        Set<String> keys = new HashSet<>();
        if (secret.getStringData() != null) {
            keys.addAll(secret.getStringData().keySet());
        }
        if (secret.getData() != null) {
            keys.addAll(secret.getData().keySet());
        }
        return keys;
    }

    private static VolumeMount mountAt(RenderedManifests manifests, String path) {
        return container(manifests).getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mounted at " + path + " in " + manifests.overlay()));
    }

    private static Volume volume(RenderedManifests manifests, String name) {
        return pod(manifests).getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static ConfigMap mountedConfigMap(RenderedManifests manifests, String path) {
        Volume volume = volume(manifests, mountAt(manifests, path).getName());
        assertThat(volume.getConfigMap()).as("a ConfigMap at %s", path).isNotNull();
        assertThat(volume.getConfigMap().getItems()).as("whole ConfigMap at %s, no item list to forget a file in", path).isEmpty();
        return configMap(manifests, volume.getConfigMap().getName());
    }

    private static Set<String> files(Path dir, String glob) throws IOException {
        var matcher = dir.getFileSystem().getPathMatcher(glob);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> matcher.matches(f.getFileName()))
                    .map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static PolicyRule rule(Role role, String apiGroup) {
        return role.getRules().stream().filter(r -> r.getApiGroups().equals(List.of(apiGroup))).findFirst()
                .orElseThrow(() -> new AssertionError("no rule for API group '" + apiGroup + "'"));
    }
}
