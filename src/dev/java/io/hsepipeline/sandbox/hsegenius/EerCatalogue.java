package io.hsepipeline.sandbox.hsegenius;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hsepipeline.sandbox.http.SandboxJson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The EER codes HSE Genius knows: the whole European List of Waste (2000/532/EC as amended by 2014/955/EU), six
 * digits without spaces ("150110"), with whether each is hazardous and the HP codes the sandbox gives it
 * (sandbox data, not regulatory advice).
 */
final class EerCatalogue {

    /** For a hazardous entry without curated HP codes: the first rule its description matches, else HP14. */
    private static final List<Map.Entry<Pattern, String>> HP_RULES = List.of(
            Map.entry(Pattern.compile("asbestos"), "HP7"),
            Map.entry(Pattern.compile("infection"), "HP9"),
            Map.entry(Pattern.compile("explosive"), "HP1"),
            Map.entry(Pattern.compile("\\bacid|\\bbases\\b|alkali"), "HP8"),
            Map.entry(Pattern.compile("mercury|cyanide"), "HP6"),
            Map.entry(Pattern.compile("solvent"), "HP3"));
    private static final String DEFAULT_HP = "HP14";

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
            entry(code).ifPresent(e -> derived.addAll(hp(e)));
        }
        return new ArrayList<>(derived);
    }

    /** The entry's curated HP codes if it has them, else the one its description's rule gives; none if not hazardous. */
    static List<String> hp(JsonNode entry) {
        if (entry.has("hp")) {
            List<String> curated = new ArrayList<>();
            entry.path("hp").forEach(hp -> curated.add(hp.asText()));
            return curated;
        }
        if (!entry.path("hazardous").asBoolean()) {
            return List.of();
        }
        String description = entry.path("description").asText().toLowerCase(Locale.ROOT);
        return List.of(HP_RULES.stream().filter(rule -> rule.getKey().matcher(description).find())
                .map(Map.Entry::getValue).findFirst().orElse(DEFAULT_HP));
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
