package io.hsepipeline.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The gate at the start of a stage route: a record that arrives while its stage is paused waits, and how it ends. */
class ServiceSupervisorTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private ServiceSupervisor supervisor;

    @AfterEach
    void stop() {
        supervisor.destroy();
        camel.stop();
    }

    @Test
    void recordWaitsWhileTheServiceIsDownAndGoesOnWhenItAnswers() {
        supervisor = supervisor(60_000);
        camel.start();
        down("hypatos");
        Exchange exchange = new DefaultExchange(camel);

        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> awaitRunning("hypatos", exchange));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());

        supervisor.observed("hypatos", true);
        await().atMost(Duration.ofSeconds(2)).until(waiting::isDone);
        assertThat(exchange.isRouteStop()).isFalse();
        assertThat(exchange.getProperty(ServiceSupervisor.LEFT_ON_KAFKA)).isNull();
    }

    @Test
    void otherStagesAndRunningStagesDoNotWait() throws Exception {
        supervisor = supervisor(60_000);
        camel.start();
        down("hypatos");

        supervisor.awaitRunning("qehs", new DefaultExchange(camel));
        supervisor.awaitRunning(null, new DefaultExchange(camel));
    }

    @Test
    void waitEndsAfterTheHoldMaximumAndTheRecordGoesOn() throws Exception {
        supervisor = supervisor(200);
        camel.start();
        down("hypatos");
        Exchange exchange = new DefaultExchange(camel);

        supervisor.awaitRunning("hypatos", exchange);

        assertThat(exchange.isRouteStop()).isFalse();
        assertThat(supervisor.isDown("hypatos")).isTrue();
    }

    @Test
    void stoppingApplicationEndsTheWaitAndTheHoldAndLeavesTheRecordOnKafka() {
        supervisor = supervisor(60_000);
        camel.start();
        down("hypatos");
        Exchange waitingExchange = new DefaultExchange(camel);
        Exchange heldExchange = new DefaultExchange(camel);
        assertThat(supervisor.holds("hypatos", heldExchange)).isTrue();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> awaitRunning("hypatos", waitingExchange));

        camel.stop();

        await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
        assertThat(waitingExchange.isRouteStop()).isTrue();
        assertThat(waitingExchange.getProperty(ServiceSupervisor.LEFT_ON_KAFKA, Boolean.class)).isTrue();
        assertThat(supervisor.holds("hypatos", heldExchange)).as("a hold never delays the shutdown").isFalse();
        assertThat(heldExchange.getProperty(ServiceSupervisor.LEFT_ON_KAFKA, Boolean.class)).isTrue();
    }

    @Test
    void stageRoutesPolicyHoldsARecordBeforeItsFirstStepUntilTheServiceAnswers() throws Exception {
        supervisor = supervisor(60_000);
        camel.start();
        // down before the route exists, so its consumer is not suspended: a record a poll brought as the stage paused
        down("hypatos");
        List<String> processed = stageRoute();

        CompletableFuture<Void> sent = CompletableFuture.runAsync(() ->
                camel.createProducerTemplate().sendBody("direct:received", "record"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !sent.isDone());
        assertThat(processed).isEmpty();

        supervisor.observed("hypatos", true);
        await().atMost(Duration.ofSeconds(5)).until(sent::isDone);
        assertThat(processed).containsExactly("record");
    }

    @Test
    void stageRoutesPolicyLetsNoStepRunWhenTheApplicationStopsDuringTheHold() throws Exception {
        supervisor = supervisor(60_000);
        camel.start();
        camel.getShutdownStrategy().setTimeout(20);
        down("hypatos");
        List<String> processed = stageRoute();
        CompletableFuture<Exchange> sent = CompletableFuture.supplyAsync(() ->
                camel.createProducerTemplate().send("direct:received", e -> e.getMessage().setBody("record")));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !sent.isDone());

        camel.stop();

        Exchange exchange = sent.get();
        assertThat(processed).isEmpty();
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getProperty(ServiceSupervisor.LEFT_ON_KAFKA, Boolean.class)).isTrue();
    }

    /** A stage route "extract" (hypatos' paused route) with the hold policy; what its step saw. */
    private List<String> stageRoute() throws Exception {
        List<String> processed = new CopyOnWriteArrayList<>();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:received").routeId("extract").routePolicy(new PausedStageHold(supervisor))
                        .process(exchange -> processed.add(exchange.getMessage().getBody(String.class)));
            }
        });
        return processed;
    }

    private void down(String service) {
        for (int i = 0; i < 2; i++) {
            supervisor.observed(service, false);
        }
        assertThat(supervisor.isDown(service)).isTrue();
    }

    private void awaitRunning(String service, Exchange exchange) {
        try {
            supervisor.awaitRunning(service, exchange);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private ServiceSupervisor supervisor(long holdMaxMillis) {
        // probes go to a closed port every minute: only calls' outcomes decide here
        HealthSettings settings = new HealthSettings(2, 60_000, 100, holdMaxMillis, "http://127.0.0.1:9/hypatos",
                "http://127.0.0.1:9/hsegenius", "http://127.0.0.1:9/fourhse", "http://127.0.0.1:9/qehs",
                List.of("extract"), List.of("hsegenius-upload"), List.of("fourhse"), List.of("qehs"));
        return new ServiceSupervisor(camel, settings, new SimpleMeterRegistry(), 100);
    }
}
