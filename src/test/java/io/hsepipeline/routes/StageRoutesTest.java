package io.hsepipeline.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.delivery.Deliveries;
import io.hsepipeline.delivery.NameBasedIds;
import io.hsepipeline.intake.IntakeService;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.failure.ServiceFailure;
import io.hsepipeline.records.ValidatedRecord;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/**
 * Stage routes on their own, with Camel's test kit: the dead-letter route (Kafka and the status route are mock
 * endpoints, the failure is made up, the commit handle counts its commits), the 4HSE route's "already taken"
 * branches (4HSE is a mock endpoint answering per call; the journal and the PDF are real files), intake's
 * publication (its two records are mock endpoints) and the service-call template (QEHS's instance, its two sends
 * mock endpoints).
 */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
@UseAdviceWith
class StageRoutesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestShare SHARE = TestShare.temporary("stage-routes-share");

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        registry.add("hse.fourhse.project-name", () -> "Safety");
        registry.add("hse.fourhse.resource-id", () -> "resource-1");
        registry.add("hse.fourhse.action-id", () -> "action-1");
        registry.add("hse.qehs.api-key", () -> "qehs-key");
    }

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    Deliveries deliveries;

    @Autowired
    DocumentJournal journal;

    private MockEndpoint deadLetters;
    private MockEndpoint onFailure;
    private MockEndpoint fourhse;
    private MockEndpoint deliveryDone;
    private MockEndpoint intakeStatus;
    private MockEndpoint intakeReceived;
    private MockEndpoint qehsSend;
    private MockEndpoint qehsSendAgain;

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!camel.isStarted()) {
            AdviceWith.adviceWith(camel, "stage-dead-letter", route -> {
                route.weaveByToUri("kafka:*").replace().to("mock:dead-letter");
                route.weaveByToUri("direct:document-status").replace().to("mock:status");
            });
            AdviceWith.adviceWith(camel, "intake-publish", route -> {
                route.weaveByToUri("direct:document-state").replace().to("mock:intake-status");
                route.weaveByToUri("direct:publish-received").replace().to("mock:intake-received");
            });
            AdviceWith.adviceWith(camel, "fourhse", route -> {
                route.replaceFromWith("direct:fourhse-in");
                route.weaveByToUri("direct:fourhse-call").replace().to("mock:fourhse-call");
                route.weaveByToUri("direct:delivery-done").replace().to("mock:delivery-done");
            });
            AdviceWith.adviceWith(camel, "qehs-call", route -> {
                // the template's two sends, its only "to" steps: the last sends again after a 401, the first
                route.weaveByType(ToDefinition.class).selectLast().replace().to("mock:qehs-send-again");
                route.weaveByType(ToDefinition.class).selectFirst().replace().to("mock:qehs-send");
            });
            camel.start();
        }
        deadLetters = camel.getEndpoint("mock:dead-letter", MockEndpoint.class);
        onFailure = camel.getEndpoint("mock:on-failure", MockEndpoint.class);
        fourhse = camel.getEndpoint("mock:fourhse-call", MockEndpoint.class);
        deliveryDone = camel.getEndpoint("mock:delivery-done", MockEndpoint.class);
        intakeStatus = camel.getEndpoint("mock:intake-status", MockEndpoint.class);
        intakeReceived = camel.getEndpoint("mock:intake-received", MockEndpoint.class);
        qehsSend = camel.getEndpoint("mock:qehs-send", MockEndpoint.class);
        qehsSendAgain = camel.getEndpoint("mock:qehs-send-again", MockEndpoint.class);
        MockEndpoint.resetMocks(camel);
        // each test starts with the 4HSE project unknown, so the route looks it up whichever test runs first
        camel.setVariable("fourhseProject", null);
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

    @Test
    void certificateActionAndLinkAnEarlierTryMadeAreAdoptedNotMadeAgain() throws Exception {
        String documentId = randomDocumentId();
        String recordId = "hsegenius-" + documentId.substring(0, 8);
        received(documentId);
        List<String> calls = new ArrayList<>();
        fourhse.whenAnyExchangeReceived(exchange -> {
            String call = exchange.getVariable("httpMethod") + " " + exchange.getVariable("httpPath");
            calls.add(call);
            exchange.getMessage().setBody(switch (call.replaceAll("/view/.*", "/view/")) {
                case "POST /v2/project/index" -> JSON.readTree("[{\"project_id\":\"project-1\"}]");
                case "POST /v2/certificate/create" -> throw taken("certificate_id");
                case "GET /v2/certificate/view/" -> JSON.readTree(
                        "{\"tenant_id\":\"project-1\",\"data\":{\"recordId\":\"" + recordId + "\"}}");
                case "POST /v2/certificate-action/create" -> throw taken("certificate_action_id");
                case "POST /v2/attachment/create" -> JSON.readTree("{}");
                case "POST /v2/entity-attachment/create" -> throw taken("entity_attachment_id");
                default -> throw new IllegalStateException("unexpected 4HSE call " + call);
            });
        });
        deliveryDone.expectedMessageCount(1);
        deadLetters.expectedMessageCount(0);

        producer.sendBody("direct:fourhse-in", validatedRecord(recordId, documentId));

        MockEndpoint.assertIsSatisfied(deliveryDone, deadLetters);
        assertThat(calls).containsExactly("POST /v2/project/index", "POST /v2/certificate/create",
                "GET /v2/certificate/view/" + NameBasedIds.of(recordId), "POST /v2/certificate-action/create",
                "POST /v2/attachment/create", "POST /v2/entity-attachment/create");
        assertThat(deliveries.isDelivered("fourhse", deliveries.read(validatedRecord(recordId, documentId)))).isTrue();
    }

    /** The three creates that may meet what a lost attempt made, and the fields whose "taken" proves it. */
    static Stream<Arguments> takenFields() {
        return Stream.of(
                Arguments.of("POST /v2/certificate/create", "certificate_id"),
                Arguments.of("POST /v2/certificate-action/create", "certificate_id"),
                Arguments.of("POST /v2/certificate-action/create", "certificate_action_id"),
                Arguments.of("POST /v2/entity-attachment/create", "entity_attachment_id"));
    }

    @ParameterizedTest
    @MethodSource("takenFields")
    void aCreateRefusedAsAlreadyTakenOnItsKeyIsDone(String create, String field) throws Exception {
        // as Yii2 words it, and pretty-printed: the route's test must not depend on the spacing
        String taken = "[\n  {\n    \"field\" : \"" + field + "\",\n    \"message\" : \"ID \\\"x\\\" has already been taken.\"\n  }\n]";
        deliveryDone.expectedMessageCount(1);
        deadLetters.expectedMessageCount(0);
        Delivery delivery = deliveryRefusingOnce(create, taken);

        MockEndpoint.assertIsSatisfied(deliveryDone, deadLetters);
        assertThat(delivery.calls()).contains(create).endsWith("POST /v2/entity-attachment/create");
        assertThat(deliveries.isDelivered("fourhse", delivery.record())).isTrue();
    }

    /** Each create's refusals that prove nothing: any other 422, "taken" on another field, another message on its key. */
    static Stream<Arguments> otherRefusals() {
        return Stream.of(
                Arguments.of("POST /v2/certificate/create", "resource_id", "Resource is invalid."),
                Arguments.of("POST /v2/certificate/create", "resource_id", "Resource ID has already been taken."),
                Arguments.of("POST /v2/certificate/create", "certificate_id", "Certificate ID is invalid."),
                Arguments.of("POST /v2/certificate-action/create", "action_id", "Action ID has already been taken."),
                Arguments.of("POST /v2/certificate-action/create", "certificate_action_id", "Action ID is invalid."),
                Arguments.of("POST /v2/entity-attachment/create", "certificate_id", "Certificate ID has already been taken."),
                Arguments.of("POST /v2/entity-attachment/create", "entity_attachment_id", "Entity Attachment ID is invalid."));
    }

    @ParameterizedTest
    @MethodSource("otherRefusals")
    void aCreateRefusedOtherwiseIsADeadLetter(String create, String field, String message) throws Exception {
        deliveryDone.expectedMessageCount(0);
        deadLetters.expectedMessageCount(1);
        deadLetters.expectedHeaderReceived("hse_stage", "fourhse");
        deadLetters.expectedHeaderReceived("hse_reason", "http-422");
        Delivery delivery = deliveryRefusingOnce(create, "[{\"field\":\"" + field + "\",\"message\":\"" + message + "\"}]");

        MockEndpoint.assertIsSatisfied(deliveryDone, deadLetters);
        assertThat(delivery.calls()).endsWith(create).doesNotContain("GET /v2/certificate/view/" + NameBasedIds.of(delivery.record().recordId()));
        assertThat(deliveries.isDelivered("fourhse", delivery.record())).isFalse();
    }

    @Test
    void aCertificateUnderOurIdMadeForAnotherRecordIsADeadLetterNotAdopted() throws Exception {
        String documentId = randomDocumentId();
        String recordId = "hsegenius-" + documentId.substring(0, 8);
        received(documentId);
        fourhse.whenAnyExchangeReceived(exchange -> {
            String call = exchange.getVariable("httpMethod") + " " + exchange.getVariable("httpPath");
            switch (call.replaceAll("/view/.*", "/view/")) {
                case "POST /v2/project/index" -> exchange.getMessage().setBody(JSON.readTree("[{\"project_id\":\"project-1\"}]"));
                case "POST /v2/certificate/create" -> throw taken("certificate_id");
                case "GET /v2/certificate/view/" -> exchange.getMessage().setBody(JSON.readTree(
                        "{\"tenant_id\":\"project-1\",\"data\":{\"recordId\":\"another-record\"}}"));
                default -> throw new IllegalStateException("unexpected 4HSE call " + call);
            }
        });
        deliveryDone.expectedMessageCount(0);
        deadLetters.expectedMessageCount(1);
        deadLetters.expectedHeaderReceived("hse_service", "fourhse");
        deadLetters.expectedHeaderReceived("hse_reason", "certificate-id-taken");
        deadLetters.expectedHeaderReceived("hse_detail", "4HSE already holds certificate " + NameBasedIds.of(recordId)
                + " but it was not made for record " + recordId + " in project project-1");
        deadLetters.expectedHeaderReceived("hse_action",
                "Ask 4HSE who created that certificate; the id is derived from the record id.");

        producer.sendBody("direct:fourhse-in", validatedRecord(recordId, documentId));

        MockEndpoint.assertIsSatisfied(deliveryDone, deadLetters);
    }

    @Test
    void noProjectOfTheConfiguredNameIsADeadLetterSayingSo() throws Exception {
        projectLookUpAnswers("[]");
        deadLetters.expectedHeaderReceived("hse_reason", "project-not-found");
        deadLetters.expectedHeaderReceived("hse_detail",
                "4HSE project 'Safety' not found (no active safety project of that name)");
        deadLetters.expectedHeaderReceived("hse_action", "Set FOURHSE_PROJECT_NAME to the exact name of one active "
                + "safety project the 4HSE user can see, then replay the dead letter.");

        MockEndpoint.assertIsSatisfied(deliveryDone, deadLetters);
        assertThat(camel.getVariable("fourhseProject")).isNull();
    }

    @Test
    void twoProjectsOfTheConfiguredNameAreADeadLetterSayingItIsAmbiguous() throws Exception {
        projectLookUpAnswers("[{\"project_id\":\"project-1\"},{\"project_id\":\"project-2\"}]");
        deadLetters.expectedHeaderReceived("hse_reason", "project-ambiguous");
        deadLetters.expectedHeaderReceived("hse_detail", "4HSE project name 'Safety' is ambiguous: 2 active safety projects");
        deadLetters.expectedHeaderReceived("hse_action", "Set FOURHSE_PROJECT_NAME to the exact name of one active "
                + "safety project the 4HSE user can see, then replay the dead letter.");

        MockEndpoint.assertIsSatisfied(deliveryDone, deadLetters);
        assertThat(camel.getVariable("fourhseProject")).isNull();
    }

    /** A new record through the 4HSE route whose project look-up answers {@code projects}; nothing else is called. */
    private void projectLookUpAnswers(String projects) throws Exception {
        String documentId = randomDocumentId();
        received(documentId);
        fourhse.expectedMessageCount(1);
        fourhse.whenAnyExchangeReceived(exchange -> exchange.getMessage().setBody(JSON.readTree(projects)));
        deliveryDone.expectedMessageCount(0);
        deadLetters.expectedMessageCount(1);
        deadLetters.expectedHeaderReceived("hse_stage", "fourhse");
        deadLetters.expectedHeaderReceived("hse_service", "fourhse");
        producer.sendBody("direct:fourhse-in", validatedRecord("hsegenius-" + documentId.substring(0, 8), documentId));
        fourhse.assertIsSatisfied();
    }

    private record Delivery(List<String> calls, ValidatedRecord record) {
    }

    /**
     * A new record through the 4HSE route, 4HSE answering every call but refusing {@code refused} with a 422 and
     * {@code answer}; a certificate looked up is the record's own.
     */
    private Delivery deliveryRefusingOnce(String refused, String answer) throws Exception {
        String documentId = randomDocumentId();
        String recordId = "hsegenius-" + documentId.substring(0, 8);
        received(documentId);
        List<String> calls = new ArrayList<>();
        fourhse.whenAnyExchangeReceived(exchange -> {
            String call = exchange.getVariable("httpMethod") + " " + exchange.getVariable("httpPath");
            calls.add(call);
            if (call.equals(refused)) {
                throw new HttpOperationFailedException("http://4hse" + exchange.getVariable("httpPath"), 422,
                        "Unprocessable", null, Map.of(), answer);
            }
            exchange.getMessage().setBody(switch (call.replaceAll("/view/.*", "/view/")) {
                case "POST /v2/project/index" -> JSON.readTree("[{\"project_id\":\"project-1\"}]");
                case "GET /v2/certificate/view/" -> JSON.readTree(
                        "{\"tenant_id\":\"project-1\",\"data\":{\"recordId\":\"" + recordId + "\"}}");
                default -> JSON.readTree("{}");
            });
        });
        String value = validatedRecord(recordId, documentId);
        producer.sendBody("direct:fourhse-in", value);
        return new Delivery(calls, deliveries.read(value));
    }

    @Test
    void serviceCallSendsTheRequestLineFromItsVariablesAndAfterA401SendsTheSameRequestOnceMore() throws Exception {
        // QEHS's instance of the service-call template; the service is two mock endpoints: the first try answers 401
        qehsSend.expectedMessageCount(1);
        qehsSend.whenAnyExchangeReceived(exchange -> {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 401);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain");
            exchange.getMessage().setBody("refused");
        });
        qehsSendAgain.expectedMessageCount(1);
        qehsSendAgain.whenAnyExchangeReceived(exchange -> {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
            exchange.getMessage().setBody("{\"id\":\"q-1\"}");
        });

        Exchange answered = producer.send("direct:qehs-call", exchange -> {
            exchange.setVariable("httpMethod", "POST");
            exchange.setVariable("httpPath", "/api/v1/records");
            exchange.setVariable("httpQuery", "dryRun=false");
            exchange.setVariable("idempotencyKey", "r-1");
            exchange.getMessage().setHeader("kafka.KEY", "document-1");
            exchange.getMessage().setHeader(Exchange.HTTP_URI, "http://elsewhere");
            exchange.getMessage().setBody("{\"moduleKey\":\"m\"}");
        });

        assertThat(answered.getException()).isNull();
        MockEndpoint.assertIsSatisfied(qehsSend, qehsSendAgain);
        for (MockEndpoint attempt : List.of(qehsSend, qehsSendAgain)) {
            Map<String, Object> sent = attempt.getExchanges().get(0).getMessage().getHeaders();
            assertThat(sent).containsEntry(Exchange.HTTP_METHOD, "POST")
                    .containsEntry(Exchange.HTTP_PATH, "/api/v1/records")
                    .containsEntry(Exchange.HTTP_QUERY, "dryRun=false")
                    .containsEntry(Exchange.CONTENT_TYPE, "application/json")
                    .containsEntry("Authorization", "Bearer qehs-key")
                    .containsEntry("Idempotency-Key", "r-1")
                    .doesNotContainKeys("kafka.KEY", Exchange.HTTP_URI, Exchange.HTTP_RESPONSE_CODE);
            assertThat(attempt.getExchanges().get(0).getMessage().getBody(String.class)).isEqualTo("{\"moduleKey\":\"m\"}");
        }
        assertThat(answered.getMessage().getBody()).isEqualTo(JSON.readTree("{\"id\":\"q-1\"}"));
        assertThat(answered.getMessage().getHeaders()).doesNotContainKeys("Authorization", "Idempotency-Key");
    }

    @Test
    void aGetCarriesNoContentTypeAndABlankQueryIsLeftOut() throws Exception {
        qehsSend.expectedMessageCount(1);
        qehsSend.whenAnyExchangeReceived(exchange -> exchange.getMessage().setBody("{\"key\":\"m\"}"));
        qehsSendAgain.expectedMessageCount(0);

        Exchange answered = producer.send("direct:qehs-call", exchange -> {
            exchange.setVariable("httpMethod", "GET");
            exchange.setVariable("httpPath", "/api/v1/modules/m");
            exchange.setVariable("httpQuery", "");
        });

        assertThat(answered.getException()).isNull();
        MockEndpoint.assertIsSatisfied(qehsSend, qehsSendAgain);
        assertThat(qehsSend.getExchanges().get(0).getMessage().getHeaders())
                .containsEntry(Exchange.HTTP_METHOD, "GET")
                .doesNotContainKeys(Exchange.CONTENT_TYPE, Exchange.HTTP_QUERY, "Idempotency-Key");
        assertThat(answered.getMessage().getBody()).isEqualTo(JSON.readTree("{\"key\":\"m\"}"));
    }

    @Test
    void aReceivedDocumentsStatusGoesOutBeforeItsReceivedRecordThenItIsMarkedPublished() throws Exception {
        String documentId = randomDocumentId();
        ReceivedDocument document = new ReceivedDocument(documentId, "sds.pdf", "inbox", 100, documentId,
                Instant.now().toString(), List.of());
        // RECEIVED first: the extract stage's EXTRACTING status follows the received record, never precedes RECEIVED
        List<String> sent = new ArrayList<>();
        intakeStatus.whenAnyExchangeReceived(exchange -> sent.add("status " + exchange.getVariable("newState")
                + " " + exchange.getVariable("newStateStage") + " " + exchange.getProperty("hseDocumentId")));
        intakeReceived.whenAnyExchangeReceived(exchange -> sent.add("received " + exchange.getMessage().getBody(ReceivedDocument.class).documentId()));

        producer.sendBody("direct:intake-publish", document);

        assertThat(sent).containsExactly("status RECEIVED intake " + documentId, "received " + documentId);
        // the two once-only keys are the document's published mark (recovery and the duplicate check read them)
        assertThat(journal.has(documentId, "done-received-status")).isTrue();
        assertThat(journal.has(documentId, "done-received-record")).isTrue();

        // found again (a crash before its published mark): what Kafka took is not sent twice
        producer.sendBody("direct:intake-publish", document);
        assertThat(sent).hasSize(2);
    }

    private static String validatedRecord(String recordId, String documentId) {
        return "{\"recordId\":\"" + recordId + "\",\"documentId\":\"" + documentId + "\",\"fileName\":\"sds.pdf\","
                + "\"watchedFolder\":\"inbox\",\"eerCodes\":[\"150110\"],\"hpCodes\":[\"HP4\"],\"product\":\"Acetone\","
                + "\"customer\":\"1\",\"validatedAt\":\"2026-01-02T03:04:05Z\"}";
    }

    /** A document intake took: its received journal entry and its PDF in processing/. */
    private void received(String documentId) throws Exception {
        journal.write(documentId, IntakeService.RECEIVED, new ReceivedDocument(documentId, "sds.pdf", "inbox", 100,
                documentId, Instant.now().toString(), List.of("150110"), null));
        Files.createDirectories(SHARE.folder("processing"));
        Files.write(SHARE.folder("processing").resolve(documentId + ".pdf"), TestPdfs.withText("Product name: Acetone"));
    }

    private static String randomDocumentId() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    }

    private static HttpOperationFailedException taken(String field) {
        return new HttpOperationFailedException("http://4hse/v2", 422, "Unprocessable", null, Map.of(),
                "[{\"field\":\"" + field + "\",\"message\":\"" + field + " has already been taken.\"}]");
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
