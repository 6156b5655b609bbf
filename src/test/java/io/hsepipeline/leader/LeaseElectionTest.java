package io.hsepipeline.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * Two replicas elect their leader with a Lease on a Kubernetes API server (Fabric8's mock, CRUD mode), as in
 * profile kubernetes: one runs the master: route, and when its pod goes away the other takes over.
 */
class LeaseElectionTest {

    private static final String K8S_NAMESPACE = "hse";
    private static final String NAMESPACE = "leader";
    private static final String LEASE = "hse-pipeline-leader";
    // short timings; the same rules as the defaults (lease > renew deadline > 1.2 x retry period)
    private static final long LEASE_MILLIS = 5000;
    private static final long RENEW_DEADLINE_MILLIS = 4000;
    private static final long RETRY_PERIOD_MILLIS = 1000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private KubernetesMockServer server;
    private KubernetesClient admin;
    private Replica a;
    private Replica b;

    @BeforeEach
    void startServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        admin = server.createClient();
    }

    @AfterEach
    void stopAll() {
        for (Replica replica : new Replica[] {a, b}) {
            if (replica != null) {
                replica.context.stop();
            }
        }
        admin.close();
        server.destroy();
    }

    @Test
    void exactlyOneReplicaLeadsAndTheOtherTakesOverWhenTheLeadersPodIsGone() throws Exception {
        a = new Replica("pod-a");
        b = new Replica("pod-b");
        a.start();
        b.start();

        await().atMost(WAIT).until(() -> a.ticks.get() > 0 || b.ticks.get() > 0);
        Replica leader = a.ticks.get() > 0 ? a : b;
        Replica follower = leader == a ? b : a;
        assertThat(leader.isLeader()).isTrue();
        assertThat(follower.isLeader()).isFalse();
        assertThat(holder()).isEqualTo(leader.pod);
        // a few renewals later the follower still has not run the route once
        int ticksBefore = leader.ticks.get();
        await().atMost(WAIT).until(() -> leader.ticks.get() > ticksBefore + 10 * (RETRY_PERIOD_MILLIS / 100));
        assertThat(follower.ticks).hasValue(0);
        assertThat(holder()).isEqualTo(leader.pod);

        // the leader's process ends and Kubernetes removes its pod
        leader.context.stop();
        admin.pods().inNamespace(K8S_NAMESPACE).withName(leader.pod).delete();
        int ticksAtStop = leader.ticks.get();

        await().atMost(WAIT).until(() -> follower.ticks.get() > 0);
        assertThat(follower.isLeader()).isTrue();
        assertThat(holder()).isEqualTo(follower.pod);
        assertThat(leader.ticks).hasValue(ticksAtStop);
    }

    private String holder() {
        Lease lease = admin.leases().inNamespace(K8S_NAMESPACE).withName(LEASE).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** A Camel context with a Lease cluster service configured like profile kubernetes, and one master: route. */
    private final class Replica {
        final String pod;
        final CamelContext context = new DefaultCamelContext();
        final KubernetesClusterService service;
        final AtomicInteger ticks = new AtomicInteger();

        Replica(String pod) {
            this.pod = pod;
            admin.pods().inNamespace(K8S_NAMESPACE).resource(runningAndReady(pod)).create();
            KubernetesConfiguration configuration = new KubernetesConfiguration();
            // a client of its own: a stopping view closes its client
            configuration.setKubernetesClient(server.createClient());
            service = new KubernetesClusterService(configuration);
            service.setKubernetesResourceName("hse-pipeline");
            service.setKubernetesResourcesNamespace(K8S_NAMESPACE);
            service.setPodName(pod);
            service.setLeaseDurationMillis(LEASE_MILLIS);
            service.setRenewDeadlineMillis(RENEW_DEADLINE_MILLIS);
            service.setRetryPeriodMillis(RETRY_PERIOD_MILLIS);
        }

        void start() throws Exception {
            context.addService(service);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("master:" + NAMESPACE + ":timer:tick?period=100").routeId("tick")
                            .process(exchange -> ticks.incrementAndGet());
                }
            });
            context.start();
        }

        boolean isLeader() throws Exception {
            return service.getView(NAMESPACE).getLocalMember().isLeader();
        }
    }

    /** Only a running, ready pod may hold the Lease. */
    private static Pod runningAndReady(String name) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(K8S_NAMESPACE).endMetadata()
                .withNewStatus().withPhase("Running")
                .withConditions(List.of(new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                        .withType("Ready").withStatus("True").build()))
                .endStatus()
                .build();
    }
}
