package io.hsepipeline.leader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.springboot.cluster.FileLockClusterServiceAutoConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.springboot.cluster.KubernetesClusterServiceAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * The settings of application.yaml and application-kubernetes.yaml reach the cluster services: profile
 * kubernetes elects with a Lease named after the pod in the pod's namespace, every other profile with the file lock.
 */
class KubernetesProfileLeaseTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FileLockClusterServiceAutoConfiguration.class,
                    KubernetesClusterServiceAutoConfiguration.class))
            .withUserConfiguration(LeaseNamespace.class)
            .withInitializer(context -> context.getEnvironment().getPropertySources().addLast(yaml("application.yaml")))
            .withPropertyValues("POD_NAME=hse-pipeline-7d9f-abcde", "POD_NAMESPACE=safety");

    @Test
    void profileKubernetesElectsWithALeaseHeldByThePodInItsNamespace() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources()
                        .addFirst(yaml("application-kubernetes.yaml")))
                .run(context -> {
                    assertThat(context).hasSingleBean(CamelClusterService.class);
                    KubernetesClusterService lease = context.getBean(KubernetesClusterService.class);
                    assertThat(lease.getPodName()).isEqualTo("hse-pipeline-7d9f-abcde");
                    assertThat(lease.getKubernetesResourcesNamespace()).isEqualTo("safety");
                    assertThat(lease.getKubernetesResourceName()).isEqualTo("hse-pipeline");
                    assertThat(lease.getLeaseDurationMillis()).isEqualTo(15000);
                    assertThat(lease.getRenewDeadlineMillis()).isEqualTo(10000);
                    assertThat(lease.getRetryPeriodMillis()).isEqualTo(2000);
                });
    }

    @Test
    void everyOtherProfileElectsWithAFileLockOnTheShare() {
        runner.withPropertyValues("HSE_SHARE_DIR=/srv/share").run(context -> {
            assertThat(context).hasSingleBean(CamelClusterService.class);
            assertThat(context).doesNotHaveBean(KubernetesClusterService.class);
            assertThat(context.getBean(org.apache.camel.component.file.cluster.FileLockClusterService.class).getRoot())
                    .isEqualTo("/srv/share/.hse/cluster");
        });
    }

    private static PropertySource<?> yaml(String name) {
        try {
            return new YamlPropertySourceLoader().load(name, new ClassPathResource(name)).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
