package io.hsepipeline.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.springframework.test.context.DynamicPropertyRegistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.sandbox.Sandbox;
import io.hsepipeline.sandbox.SandboxSettings;
import io.hsepipeline.testing.TestKafka;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;
import io.hsepipeline.testing.SandboxHttp;

/**
 * The delivery stages' test bench: the sandbox and a share of a test class's own, documents staged as intake
 * leaves them, validated records published as the HSE Genius stage does, and what 4HSE and QEHS now hold.
 */
public final class DeliverySandbox {

    public static final String RESOURCE_ID = "0b7f4c36-5a1e-4c2d-9a8e-2f1d3c4b5a60";
    public static final String ACTION_ID = "de5e9431-caf2-4e5b-a4b2-9318021558c2";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Sandbox sandbox;
    private final TestShare share;

    public DeliverySandbox(SandboxSettings settings, String shareName) {
        this.sandbox = Sandbox.start(settings.withPorts(0, 0, 0, 0));
        this.share = TestShare.temporary(shareName);
    }

    public TestShare share() {
        return share;
    }

    /** The application against this sandbox: password grant (no API key), quick retries, the folder defaults. */
    public void register(DynamicPropertyRegistry registry) {
        share.register(registry);
        sandbox.applicationSettings().forEach((name, value) -> registry.add(name, () -> value));
        registry.add("FOURHSE_API_KEY", () -> "");
        registry.add("FOURHSE_RESOURCE_ID", () -> RESOURCE_ID);
        registry.add("FOURHSE_ACTION_ID", () -> ACTION_ID);
        registry.add("FOURHSE_TOKEN_MARGIN_SECONDS", () -> "1");
        registry.add("hse.retry.maximum-redeliveries", () -> "8");
        registry.add("hse.retry.initial-delay-millis", () -> "100");
        registry.add("hse.retry.maximum-delay-millis", () -> "1000");
        registry.add("hse.http.response-timeout-millis", () -> "3000");
        // the dead-letter tests take a service down on purpose and wait for the dead letter: no hold in retry
        registry.add("hse.health.hold-max-millis", () -> "0");
    }

    /** A document as intake leaves it: the PDF in processing/, its received record in the journal. */
    public ReceivedDocument document(String fileName) {
        byte[] pdf = TestPdfs.withText("Product name: Solvent " + UUID.randomUUID(), "15 01 10*");
        String id = TestPdfs.sha256(pdf);
        ReceivedDocument document = new ReceivedDocument(id, fileName, "inbox", pdf.length, id, Instant.now().toString(), List.of());
        try {
            Files.write(Files.createDirectories(share.folder("processing")).resolve(id + ".pdf"), pdf);
            JSON.writeValue(Files.createDirectories(journal(id)).resolve("received.json").toFile(), document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return document;
    }

    /** A hse.records.validated value for the document, as schemas/hse.records.validated.schema.json shapes it. */
    public static Map<String, Object> validated(ReceivedDocument document, List<String> eerCodes, List<String> hpCodes) {
        String hsegeniusId = Integer.toString(Math.abs(UUID.randomUUID().hashCode()));
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("recordId", "hsegenius-" + hsegeniusId);
        record.put("documentId", document.documentId());
        record.put("fileName", document.fileName());
        record.put("watchedFolder", document.watchedFolder());
        record.put("eerCodes", eerCodes);
        record.put("hpCodes", hpCodes);
        record.put("product", "Solvent Cleaner X");
        record.put("hypatosDocumentId", "65f0c0ffee0000000000aa01");
        record.put("hypatosFileId", "65f0c0ffee0000000000bb01");
        record.put("hsegeniusUploadId", "77");
        record.put("hsegeniusRecordId", hsegeniusId);
        record.put("customer", null);
        record.put("validatedAt", Instant.now().toString());
        return record;
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void publish(Map<String, Object> record) {
        TestKafka.send(share.topic("hse.records.validated"), (String) record.get("recordId"), json(record));
    }

    /** 4HSE entities of a kind (certificates, certificateActions, attachments, entityAttachments) matching a test. */
    public List<JsonNode> fourhse(String kind, Predicate<JsonNode> matching) {
        return select(get("fourhse", "/_sandbox/fourhse/entities").path(kind), matching);
    }

    public List<JsonNode> qehsRecords(Predicate<JsonNode> matching) {
        return select(get("qehs", "/_sandbox/qehs/entities").path("records"), matching);
    }

    public List<JsonNode> calls(String service, Predicate<JsonNode> matching) {
        return select(get(service, "/_sandbox/" + service + "/calls"), matching);
    }

    public JsonNode stats(String service) {
        return get(service, "/_sandbox/stats").path(service);
    }

    public void faults(String json) {
        send(HttpRequest.newBuilder(uri("qehs", "/_sandbox/faults")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Forgets every token the stand-ins issued (and all else they hold), as a server restart at 4HSE would. */
    public void reset() {
        send(HttpRequest.newBuilder(uri("qehs", "/_sandbox/reset")).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Path journal(String documentId) {
        return share.root().resolve(".hse").resolve(documentId);
    }

    private static List<JsonNode> select(JsonNode array, Predicate<JsonNode> matching) {
        List<JsonNode> selected = new ArrayList<>();
        array.forEach(node -> {
            if (matching.test(node)) {
                selected.add(node);
            }
        });
        return selected;
    }

    private JsonNode get(String service, String path) {
        return send(HttpRequest.newBuilder(uri(service, path)).GET());
    }

    private JsonNode send(HttpRequest.Builder request) {
        return SandboxHttp.send(request.build());
    }


    private URI uri(String service, String path) {
        return URI.create("http://localhost:" + sandbox.port(service) + path);
    }
}
