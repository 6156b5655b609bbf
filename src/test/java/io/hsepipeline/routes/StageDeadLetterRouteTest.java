package io.hsepipeline.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.failure.ServiceFailure;
import io.hsepipeline.testing.TestShare;

/**
 * The stage-dead-letter route on its own: Kafka and the status route are mock endpoints, the failure is made up,
 * and the consumed record's commit handle counts its commits.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
@UseAdviceWith
class StageDeadLetterRouteTest {

    private static final TestShare SHARE = TestShare.temporary("dead-letter-route-share");

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
    }

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    private MockEndpoint deadLetters;
    private MockEndpoint onFailure;

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!camel.isStarted()) {
            AdviceWith.adviceWith(camel, "stage-dead-letter", route -> {
                route.weaveByToUri("kafka:*").replace().to("mock:dead-letter");
                route.weaveByToUri("direct:document-status").replace().to("mock:status");
            });
            camel.start();
        }
        deadLetters = camel.getEndpoint("mock:dead-letter", MockEndpoint.class);
        onFailure = camel.getEndpoint("mock:on-failure", MockEndpoint.class);
        MockEndpoint.resetMocks(camel);
    }

    @Test
    void finalFailureGoesToTheDeadLetterTopicWithItsReasonAndTheOffsetIsCommitted() throws Exception {
        deadLetters.expectedBodiesReceived("{\"recordId\":\"r-1\"}");
        deadLetters.expectedHeaderReceived("hse_stage", "qehs");
        deadLetters.expectedHeaderReceived("hse_service", "qehs");
        deadLetters.expectedHeaderReceived("hse_reason", "http-422");
        deadLetters.expectedHeaderReceived("hse_original_topic", "hse.records.validated");
        deadLetters.expectedHeaderReceived("hse_original_offset", 42L);
        onFailure.expectedMessageCount(1);
        AtomicInteger commits = new AtomicInteger();

        Exchange sent = producer.send("direct:stage-dead-letter", exchange -> {
            exchange.setProperty("hseStage", "qehs");
            exchange.setProperty("hseService", "qehs");
            exchange.setProperty("hseOnFailure", "mock:on-failure");
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new HttpOperationFailedException(
                    "http://qehs/api/v1/records", 422, "Unprocessable", null, Map.of(), "{\"error\":\"bad field\"}"));
            exchange.getMessage().setBody("{\"recordId\":\"r-1\"}");
            exchange.getMessage().setHeader(KafkaConstants.TOPIC, "hse.records.validated");
            exchange.getMessage().setHeader(KafkaConstants.OFFSET, 42L);
            exchange.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, counting(commits));
        });

        assertThat(sent.getException()).isNull();
        MockEndpoint.assertIsSatisfied(deadLetters, onFailure);
        assertThat(deadLetters.getExchanges().get(0).getMessage().getHeader("hse_detail", String.class))
                .startsWith("422 from http://qehs/api/v1/records");
        assertThat(commits).hasValue(1);
    }

    @Test
    void serviceFailureNamesItsOwnServiceAndWhatToDo() throws Exception {
        deadLetters.expectedMessageCount(1);
        deadLetters.expectedHeaderReceived("hse_stage", "validate");
        deadLetters.expectedHeaderReceived("hse_service", "hsegenius");
        deadLetters.expectedHeaderReceived("hse_reason", "not-validated");
        deadLetters.expectedHeaderReceived("hse_action", "Correct the record in HSE Genius.");
        onFailure.expectedMessageCount(0);

        Exchange sent = producer.send("direct:stage-dead-letter", exchange -> {
            exchange.setProperty("hseStage", "validate");
            exchange.setProperty("hseService", "validate-service");
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new ServiceFailure("hsegenius", "not-validated",
                    "HSE Genius did not validate record 7", "Correct the record in HSE Genius."));
            exchange.getMessage().setBody("document-1");
        });

        assertThat(sent.getException()).isNull();
        MockEndpoint.assertIsSatisfied(deadLetters, onFailure);
        assertThat(deadLetters.getExchanges().get(0).getMessage().getHeader("hse_detail"))
                .isEqualTo("HSE Genius did not validate record 7");
    }

    private static KafkaManualCommit counting(AtomicInteger commits) {
        return new KafkaManualCommit() {
            @Override
            public void commit() {
                commits.incrementAndGet();
            }
        };
    }
}
