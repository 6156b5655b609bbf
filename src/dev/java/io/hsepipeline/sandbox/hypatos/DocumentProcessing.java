package io.hsepipeline.sandbox.hypatos;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsepipeline.sandbox.http.SandboxJson;
import io.hsepipeline.sandbox.pdf.PdfFacts;
import io.hsepipeline.sandbox.store.EntityStore;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Moves a Hypatos document from new through processing to its final state: after a quarter of the delay it is
 * processing; at the end its PDF is read and it ends as the SANDBOX-OUTCOME marker says (default
 * doneAutomatically, via extracted), failed if the PDF cannot be read, or stays processing for "stuck".
 */
final class DocumentProcessing {

    static final Set<String> OUTCOMES = Set.of("done", "doneAutomatically", "extracted", "reviewRequired",
            "inCompletion", "failed", "junk", "rejected", "stuck");
    static final Set<String> IN_FLIGHT = Set.of("new", "processing");
    private static final Set<String> WITHOUT_ENTITIES = Set.of("failed", "junk");
    private static final Set<String> COMPLETED = Set.of("done", "doneAutomatically");

    private final EntityStore documents;
    private final ScheduledExecutorService scheduler;

    DocumentProcessing(EntityStore documents, ScheduledExecutorService scheduler) {
        this.documents = documents;
        this.scheduler = scheduler;
    }

    void start(String documentId, byte[] pdf, Duration delay) {
        long millis = delay.toMillis();
        scheduler.schedule(() -> moveOn(documentId), millis / 4, TimeUnit.MILLISECONDS);
        scheduler.schedule(() -> finish(documentId, pdf), millis, TimeUnit.MILLISECONDS);
    }

    /** Records a state change on the document and in its history. */
    void changeState(ObjectNode document, String state, String by) {
        String now = Instant.now().toString();
        document.put("state", state);
        document.put("updatedAt", now);
        document.put("updatedBy", by);
        ArrayNode history = (ArrayNode) document.get("_states");
        history.addObject().put("state", state).put("updatedAt", now);
        if (COMPLETED.contains(state)) {
            document.put("completedAt", now);
            document.put("completedBy", by);
        }
    }

    private void moveOn(String documentId) {
        documents.update(documentId, doc -> {
            if (doc.path("state").asText().equals("new")) {
                changeState(doc, "processing", "hypatos");
            }
        });
    }

    private void finish(String documentId, byte[] pdf) {
        PdfFacts facts = PdfFacts.read(pdf);
        String outcome = !facts.readable() ? "failed"
                : facts.outcome() != null && OUTCOMES.contains(facts.outcome()) ? facts.outcome()
                : "doneAutomatically";
        documents.update(documentId, doc -> {
            if (!IN_FLIGHT.contains(doc.path("state").asText())) {
                return;
            }
            if (doc.path("state").asText().equals("new")) {
                changeState(doc, "processing", "hypatos");
            }
            if (outcome.equals("stuck")) {
                return;
            }
            if (!WITHOUT_ENTITIES.contains(outcome)) {
                doc.set("entities", entities(facts, doc.path("title").asText()));
                changeState(doc, "extracted", "hypatos");
            }
            if (!outcome.equals("extracted")) {
                changeState(doc, outcome, "hypatos");
            }
        });
    }

    private static ObjectNode entities(PdfFacts facts, String title) {
        ObjectNode entities = SandboxJson.object();
        entities.put("productName", facts.product().orElse(null));
        entities.set("eerCodes", SandboxJson.tree(facts.eerCodes()));
        entities.set("hazardousEerCodes", SandboxJson.tree(facts.eerCodes().stream()
                .filter(code -> code.endsWith("*")).toList()));
        entities.set("dates", SandboxJson.tree(facts.dates()));
        entities.put("documentDate", facts.dates().isEmpty() ? null : facts.dates().get(0));
        entities.set("hpCodes", SandboxJson.tree(facts.hpCodes()));
        entities.put("fileName", title);
        return entities;
    }
}
