package io.hsepipeline.leader;

import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Kubernetes namespace of the Lease and of the pods that may hold it: the pod's own (POD_NAMESPACE). The
 * starter's camel.cluster.kubernetes.kubernetes-namespace does not reach the service in Camel 4.17, so it is set here.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "camel.cluster.kubernetes", name = "enabled", havingValue = "true")
public class LeaseNamespace {

    @Bean
    static BeanPostProcessor leaseNamespaceSetter(Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                String namespace = environment.getProperty("hse.leader.kubernetes-namespace", "");
                if (bean instanceof KubernetesClusterService service && !namespace.isBlank()) {
                    service.setKubernetesResourcesNamespace(namespace);
                }
                return bean;
            }
        };
    }
}
