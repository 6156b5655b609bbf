package io.hsepipeline.sandbox.hsegenius;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hsepipeline.sandbox.http.SandboxJson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The EER (European Waste Catalogue) codes HSE Genius knows, six digits without spaces ("150110"), with whether
 * each is hazardous and the HP codes the sandbox derives for it (sandbox data, not regulatory advice).
 */
final class EerCatalogue {

    private final Map<String, JsonNode> entries = new LinkedHashMap<>();

    EerCatalogue() {
        for (JsonNode entry : SandboxJson.resource("/sandbox/hsegenius-eer.json")) {
            entries.put(entry.path("code").asText(), entry);
        }
    }

    Optional<JsonNode> entry(String code) {
        return Optional.ofNullable(entries.get(code));
    }

    boolean hazardous(String code) {
        return entry(code).map(e -> e.path("hazardous").asBoolean()).orElse(false);
    }

    /**
     * HP codes of a validated record: those written in the PDF ("HP 3") if any; otherwise those the catalogue
     * gives for the record's hazardous EER codes; none for a record with only non-hazardous codes.
     */
    List<String> hpCodes(List<String> writtenInPdf, List<String> eerCodes) {
        if (!writtenInPdf.isEmpty()) {
            return writtenInPdf;
        }
        Set<String> derived = new LinkedHashSet<>();
        for (String code : eerCodes) {
            entry(code).ifPresent(e -> e.path("hp").forEach(hp -> derived.add(hp.asText())));
        }
        return new ArrayList<>(derived);
    }

    ArrayNode list() {
        ArrayNode list = SandboxJson.array();
        int id = 1;
        for (JsonNode entry : entries.values()) {
            String code = entry.path("code").asText();
            list.addObject()
                    .put("id", id++)
                    .put("code", code)
                    .put("display", code.substring(0, 2) + " " + code.substring(2, 4) + " " + code.substring(4)
                            + (entry.path("hazardous").asBoolean() ? "*" : ""))
                    .put("description", entry.path("description").asText())
                    .put("hazardous", entry.path("hazardous").asBoolean());
        }
        return list;
    }
}
