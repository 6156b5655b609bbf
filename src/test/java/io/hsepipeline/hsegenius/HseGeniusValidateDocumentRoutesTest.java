package io.hsepipeline.hsegenius;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.intake.IntakeService;
import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.records.ValidatedRecord;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/**
 * The validate steps of one document (route hsegenius-validate-document) on their own, with Camel's test kit: HSE
 * Genius is a mock endpoint answering per call, the status, publish and completion routes are mock endpoints, the
 * journal and the PDF are real files. No batch run (its schedule is taken off), no Kafka round trip.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class)
@UseAdviceWith
class HseGeniusValidateDocumentRoutesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestShare SHARE = TestShare.temporary("hsegenius-validate-routes-share");
    /** The filters the run's Swagger declared (the defaults of HSEGENIUS_UPLOAD_FILTER and _VALIDATE_SELECTION). */
    private static final List<String> DECLARED = List.of("upload", "id", "eer_codes");

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        // no customer: History is not sent, so these tests are about validate, publish and proceed
        registry.add("hse.hsegenius.customer-id", () -> "");
    }

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    DocumentJournal journal;

    @Autowired
    HseGeniusValidation validation;

    /** HSE Genius's answers by call ("GET /api/files/hp-finder/?upload=u-1"); a call without one fails the test. */
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private MockEndpoint states;
    private MockEndpoint published;
    private MockEndpoint completed;
    private MockEndpoint deadLetters;

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!camel.isStarted()) {
            // the scheduled batch does not run: each test hands the route one document itself
            AdviceWith.adviceWith(camel, "hsegenius-validate", route -> route.replaceFromWith("direct:hsegenius-validate-off"));
            // every HSE Genius call, whatever the caller's variableReceive, is answered by the mock (the real call
            // route listens elsewhere)
            AdviceWith.adviceWith(camel, "hsegenius-call", route -> route.replaceFromWith("direct:hsegenius-call-off"));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:hsegenius-call").routeId("hsegenius-call-mock").to("mock:hsegenius");
                }
            });
            AdviceWith.adviceWith(camel, "hsegenius-validate-document", route -> {
                route.weaveByToUri("direct:document-state").replace().to("mock:document-state");
                route.weaveByToUri("direct:validated-record-publish").replace().to("mock:validated-record-publish");
                route.weaveByToUri("direct:hsegenius-complete").replace().to("mock:hsegenius-complete");
            });
            AdviceWith.adviceWith(camel, "stage-dead-letter", route -> {
                route.weaveByToUri("kafka:*").replace().to("mock:dead-letter");
                route.weaveByToUri("direct:document-status").replace().to("mock:status");
            });
            AdviceWith.adviceWith(camel, "hsegenius-failed",
                    route -> route.weaveByToUri("direct:hsegenius-tell-hypatos").replace().to("mock:tell-hypatos"));
            camel.start();
        }
        MockEndpoint.resetMocks(camel);
        camel.getEndpoint("mock:hsegenius", MockEndpoint.class).whenAnyExchangeReceived(exchange -> {
            String call = called(exchange);
            String answer = answers.get(call);
            if (answer == null) {
                throw new IllegalStateException("unexpected HSE Genius call " + call);
            }
            exchange.getMessage().setBody(JSON.readTree(answer));
        });
        states = camel.getEndpoint("mock:document-state", MockEndpoint.class);
        published = camel.getEndpoint("mock:validated-record-publish", MockEndpoint.class);
        completed = camel.getEndpoint("mock:hsegenius-complete", MockEndpoint.class);
        deadLetters = camel.getEndpoint("mock:dead-letter", MockEndpoint.class);
    }

    @Test
    void documentWhoseRecordsAreAllValidatedGoesToPublish() throws Exception {
        String doc = uploaded("u-1");
        answers.put("GET /api/files/imported/?upload=u-1", "[]");
        answers.put("GET /api/files/hp-finder/?upload=u-1", "[" + record(7, "u-1") + "]");
        published.expectedMessageCount(1);
        completed.expectedMessageCount(0);
        deadLetters.expectedMessageCount(0);

        validate(doc, "validate");

        MockEndpoint.assertIsSatisfied(published, completed, deadLetters);
        ValidatedRecord record = published.getExchanges().get(0).getMessage().getBody(ValidatedRecord.class);
        assertThat(record.recordId()).isEqualTo("hsegenius-7");
        assertThat(record.documentId()).isEqualTo(doc);
        assertThat(record.hsegeniusUploadId()).isEqualTo("u-1");
        assertThat(newStates()).containsExactly("PUBLISHED");
        // the first phase publishes only: nothing is validated again, nothing proceeded
        assertThat(calls).noneMatch(call -> call.startsWith("POST"));
    }

    @Test
    void parsedRecordsAreValidatedThenPublished() throws Exception {
        String doc = uploaded("u-2");
        answers.put("GET /api/files/imported/?upload=u-2", "[" + record(11, "u-2") + "]");
        answers.put("GET /api/files/hp-finder/?upload=u-2", "[]");
        answers.put("POST /api/files/imported/validate-constraint/", "{\"can_validate\": true, \"records\": [{\"id\": 11}]}");
        answers.put("POST /api/files/imported/validate/", "{\"ids\": [11]}");
        published.expectedMessageCount(1);
        deadLetters.expectedMessageCount(0);

        // HP Finder, read again after validate, lists the record
        camel.getEndpoint("mock:hsegenius", MockEndpoint.class).whenAnyExchangeReceived(exchange -> {
            String call = called(exchange);
            boolean validated = calls.contains("POST /api/files/imported/validate/");
            String answer = validated && call.equals("GET /api/files/hp-finder/?upload=u-2")
                    ? "[" + record(11, "u-2") + "]" : answers.get(call);
            exchange.getMessage().setBody(JSON.readTree(answer));
        });

        validate(doc, "validate");

        MockEndpoint.assertIsSatisfied(published, deadLetters);
        assertThat(calls).containsExactly("GET /api/files/imported/?upload=u-2", "GET /api/files/hp-finder/?upload=u-2",
                "POST /api/files/imported/validate-constraint/", "POST /api/files/imported/validate/",
                "GET /api/files/hp-finder/?upload=u-2");
        assertThat(newStates()).containsExactly("PARSED", "VALIDATED", "PUBLISHED");
        assertThat(published.getExchanges().get(0).getMessage().getBody(ValidatedRecord.class).recordId())
                .isEqualTo("hsegenius-11");
    }

    @Test
    void proceedWaitsWhileHpFinderHoldsAnUnpublishedRecordOfAnotherDocumentThenGoesOn() throws Exception {
        String doc = uploaded("u-3");
        publishedBefore(doc, 13, "u-3");
        uploaded("u-4");
        validation.batch(); // the run's pending documents: u-4's document is in work, its record 14 unpublished
        answers.put("GET /api/files/imported/?upload=u-3", "[]");
        answers.put("GET /api/files/hp-finder/?upload=u-3", "[" + record(13, "u-3") + "]");
        answers.put("GET /api/files/hp-finder/?eer_codes=150110", "[" + record(13, "u-3") + ", " + record(14, "u-4") + "]");
        completed.expectedMessageCount(0);
        deadLetters.expectedMessageCount(0);

        validate(doc, "hand-on");

        MockEndpoint.assertIsSatisfied(completed, deadLetters);
        assertThat(calls).noneMatch(call -> call.startsWith("POST /api/files/hp-finder/proceed/"));

        // the other document's record is gone from HP Finder (proceeded with it): proceed goes on, the document completes
        calls.clear();
        answers.put("GET /api/files/hp-finder/?eer_codes=150110", "[" + record(13, "u-3") + "]");
        // proceed goes with the query of the list it followed (the codes)
        answers.put("POST /api/files/hp-finder/proceed/?eer_codes=150110", "{}");
        completed.reset();
        completed.expectedMessageCount(1);

        validate(doc, "hand-on");

        MockEndpoint.assertIsSatisfied(completed);
        assertThat(calls).endsWith("POST /api/files/hp-finder/proceed/?eer_codes=150110");
    }

    @Test
    void parsedListNamingARecordOfAnotherUploadIsRefusedBeforeAnythingIsValidated() throws Exception {
        String doc = uploaded("u-5");
        answers.put("GET /api/files/imported/?upload=u-5", "[" + record(15, "u-5") + ", " + record(16, "u-other") + "]");
        answers.put("GET /api/files/hp-finder/?upload=u-5", "[]");
        deadLetters.expectedMessageCount(1);
        deadLetters.expectedHeaderReceived("hse_stage", "validate");
        deadLetters.expectedHeaderReceived("hse_reason", "filter-not-honoured");
        published.expectedMessageCount(0);

        validate(doc, "validate");

        MockEndpoint.assertIsSatisfied(deadLetters, published);
        assertThat(deadLetters.getExchanges().get(0).getMessage().getHeader("hse_action", String.class))
                .contains("HSEGENIUS_UPLOAD_FILTER");
        assertThat(calls).noneMatch(call -> call.startsWith("POST"));
        assertThat(newStates()).isEmpty();
    }

    @Test
    void validateConstraintAnsweringForARecordOutsideTheSelectionIsRefusedBeforeValidate() throws Exception {
        String doc = uploaded("u-6");
        answers.put("GET /api/files/imported/?upload=u-6", "[" + record(17, "u-6") + "]");
        answers.put("GET /api/files/hp-finder/?upload=u-6", "[]");
        answers.put("POST /api/files/imported/validate-constraint/",
                "{\"can_validate\": true, \"records\": [{\"id\": 17}, {\"id\": 18}]}");
        deadLetters.expectedMessageCount(1);
        deadLetters.expectedHeaderReceived("hse_reason", "filter-not-honoured");

        validate(doc, "validate");

        MockEndpoint.assertIsSatisfied(deadLetters);
        assertThat(deadLetters.getExchanges().get(0).getMessage().getHeader("hse_action", String.class))
                .contains("HSEGENIUS_VALIDATE_SELECTION");
        assertThat(calls).doesNotContain("POST /api/files/imported/validate/");
        assertThat(newStates()).containsExactly("PARSED");
    }

    /** The route as a batch run's phase hands it one document: where the document stands, the run's filters. */
    private void validate(String documentId, String phase) {
        Exchange sent = producer.send("direct:hsegenius-validate-document", exchange -> {
            exchange.setProperty("hseBatchPhase", phase);
            exchange.setProperty("hseGeniusFilters", DECLARED);
            exchange.getMessage().setBody(validation.standing(documentId));
        });
        assertThat(sent.getException()).isNull();
    }

    /** The HSE Genius call the exchange makes ("GET /api/files/imported/?upload=u-1"), noted in calls. */
    private String called(Exchange exchange) {
        Object query = exchange.getVariable("httpQuery");
        String call = exchange.getVariable("httpMethod") + " " + exchange.getVariable("httpPath") + (query == null ? "" : "?" + query);
        calls.add(call);
        return call;
    }

    private List<String> newStates() {
        return states.getExchanges().stream().map(exchange -> exchange.getVariable("newState", String.class)).toList();
    }

    /** A document intake took and HSE Genius has as upload uploadId: its journal entries and its PDF in processing/. */
    private String uploaded(String uploadId) throws Exception {
        String documentId = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
        journal.write(documentId, IntakeService.RECEIVED, new ReceivedDocument(documentId, "sds.pdf", "inbox", 100,
                documentId, Instant.now().toString(), List.of("150110"), null));
        journal.write(documentId, HseGeniusUploads.ENTRY, new HseGeniusUpload(uploadId, documentId + ".pdf", "Acetone",
                List.of("150110"), "hy-1", "hf-1", "Acetone", Instant.now().toString(), true));
        Files.createDirectories(SHARE.folder("processing"));
        Files.write(SHARE.folder("processing").resolve(documentId + ".pdf"), TestPdfs.withText("Product name: Acetone"));
        return documentId;
    }

    /** The document's record was published by an earlier phase (journaled as published). */
    private void publishedBefore(String documentId, int hsegeniusId, String uploadId) {
        String recordId = "hsegenius-" + hsegeniusId;
        journal.write(documentId, HseGeniusValidation.ENTRY, new HseGeniusValidation.Progress(Map.of(recordId,
                new ValidatedRecord(recordId, documentId, "sds.pdf", "inbox", List.of("150110"), List.of("HP4"), "Acetone",
                        "hy-1", "hf-1", uploadId, String.valueOf(hsegeniusId), null, Instant.now().toString())), false));
    }

    private static String record(int id, String uploadId) {
        return "{\"id\": " + id + ", \"upload\": \"" + uploadId + "\", \"filename\": \"sds.pdf\", \"eer_codes\": [\"150110\"],"
                + " \"hp_codes\": [\"HP4\"], \"product_name\": \"Acetone\"}";
    }
}
