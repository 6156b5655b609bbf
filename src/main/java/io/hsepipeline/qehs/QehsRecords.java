package io.hsepipeline.qehs;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.delivery.Deliveries;
import io.hsepipeline.records.ValidatedRecord;
import io.hsepipeline.share.PipelineSettings.WatchedFolder;

/** The steps of routes/60-qehs.camel.yaml for one validated record: the module, the mapped payload, the result. */
@Component
public class QehsRecords {

    private static final String SERVICE = Deliveries.QEHS;

    private final QehsSettings settings;
    private final Deliveries deliveries;
    private final QehsModules modules;
    private final ObjectMapper json;

    public QehsRecords(QehsSettings settings, Deliveries deliveries, QehsModules modules, ObjectMapper json) {
        this.settings = settings;
        this.deliveries = deliveries;
        this.modules = modules;
        this.json = json;
    }

    /** The watched folder's module (else QEHS_MODULE_KEY), with its schema once read (null until then). */
    public QehsModule module(ValidatedRecord record) {
        String key = deliveries.folder(record).map(WatchedFolder::qehsModule)
                .filter(moduleKey -> !moduleKey.isBlank())
                .orElse(settings.moduleKey());
        return new QehsModule(key, modules.schema(key));
    }

    /**
     * A QEHS module of the route: its key, and its schema ({@code GET /api/v1/modules/{key}}) once read.
     *
     * @param schema null until the route has read it
     */
    public record QehsModule(String key, JsonNode schema) {
    }

    /** The create request for the mapped payload, once it fits the module's schema (else a mapping-invalid failure). */
    public String request(String moduleKey, JsonNode payload) throws IOException {
        modules.check(moduleKey, payload);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("moduleKey", moduleKey);
        body.put("payload", payload);
        return json.writeValueAsString(body);
    }

    /** QEHS made the record (or replayed its first answer): journaled, and named in the document's result. */
    public void delivered(ValidatedRecord record, String moduleKey, JsonNode answer) {
        String id = answer.path("id").asText();
        deliveries.addIds(SERVICE, record, Map.of("recordId", id, "moduleKey", moduleKey));
        deliveries.save(SERVICE, record, new QehsDelivery(record.recordId(), moduleKey, id,
                OffsetDateTime.now(ZoneOffset.UTC).toString()));
    }
}
