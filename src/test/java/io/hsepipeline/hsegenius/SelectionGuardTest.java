package io.hsepipeline.hsegenius;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.failure.ServiceFailure;

/** validate is sent only with a selection HSE Genius is seen to honour. */
class SelectionGuardTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode SELECTION = JSON.createObjectNode().set("id", JSON.valueToTree(List.of(7, 8)));

    /** The Swagger of this run not read: no filter is known to be declared. */
    private static final List<String> UNREAD = null;

    private final HseGeniusValidation validation = new HseGeniusValidation(null, null, null, null, "",
            Duration.ofHours(1), new HseGeniusNames("upload", "upload", "id", "upload"));

    @Test
    void answerNamingExactlyTheSelectedRecordsLetsValidateGoOn() throws Exception {
        validation.requireSelected(SELECTION, json("{\"records\": [{\"id\": 8}, {\"id\": 7}]}"), "validate-constraint", UNREAD);
    }

    @Test
    void answerNamingRecordsOfOthersStopsTheDocumentNamingTheSelectionSetting() throws Exception {
        assertThatThrownBy(() -> validation.requireSelected(SELECTION,
                json("{\"records\": [{\"id\": 7}, {\"id\": 8}, {\"id\": 9}]}"), "validate-constraint", UNREAD))
                .isInstanceOfSatisfying(ServiceFailure.class, failure -> {
                    assertThat(failure.reason()).isEqualTo("filter-not-honoured");
                    assertThat(failure.action()).contains("HSEGENIUS_VALIDATE_SELECTION");
                });
    }

    @Test
    void retriedValidateWhoseRecordsWereValidatedAlreadyIsNoSignOfAnIgnoredFilter() throws Exception {
        validation.requireSelected(SELECTION, json("{\"ids\": []}"), "validate", UNREAD);
        validation.requireSelected(SELECTION, json("{\"ids\": [8]}"), "validate", UNREAD);
    }

    @Test
    void answerNamingNoRecordsIsAcceptedOnlyWhenTheLiveSwaggerDeclaresTheSelection() throws Exception {
        JsonNode silent = json("{\"can_validate\": true}");
        assertThatThrownBy(() -> validation.requireSelected(SELECTION, silent, "validate-constraint", UNREAD))
                .isInstanceOf(ServiceFailure.class);

        List<String> declared = importedFilters("{\"paths\": {\"/api/files/imported/\": {\"get\": {\"parameters\": ["
                + "{\"name\": \"upload\", \"in\": \"query\"}, {\"name\": \"id\", \"in\": \"query\"}]}}}}");

        validation.requireSelected(SELECTION, silent, "validate-constraint", declared);
    }

    @Test
    void theRunReadsTheQueryFiltersOfTheParsedListFromTheSwagger() throws Exception {
        assertThat(importedFilters("{\"paths\": {\"/api/files/imported/\": {"
                + "\"parameters\": [{\"name\": \"upload\", \"in\": \"query\"}],"
                + "\"get\": {\"parameters\": [{\"name\": \"id\", \"in\": \"query\"}, {\"name\": \"pk\", \"in\": \"path\"}]},"
                + "\"post\": {\"parameters\": [{\"name\": \"posted\", \"in\": \"query\"}]}},"
                + "\"/api/files/hp-finder/\": {\"get\": {\"parameters\": [{\"name\": \"eer_codes\", \"in\": \"query\"}]}}}}"))
                .containsExactlyInAnyOrder("id", "upload");
        assertThat(importedFilters("{\"paths\": {}}")).isEmpty();
    }

    @Test
    void theSelectionNamesExactlyTheParsedRecordsUnderTheSelectionFilter() throws Exception {
        Object selection = Jsonata.jsonata(Files.readString(Path.of("routes/mappings/hsegenius-selection.jsonata")))
                .evaluate(Json.parseJson("{\"filter\": \"record_ids\", \"records\": [{\"id\": 7, \"upload\": \"u\"}]}"));
        assertThat((JsonNode) JSON.valueToTree(selection)).isEqualTo(json("{\"record_ids\": [7]}"));
    }

    /** What the batch run reads from a Swagger answer (routes/mappings/hsegenius-swagger-filters.jsonata). */
    @SuppressWarnings("unchecked")
    private static List<String> importedFilters(String swagger) throws Exception {
        return (List<String>) Jsonata.jsonata(Files.readString(Path.of("routes/mappings/hsegenius-swagger-filters.jsonata")))
                .evaluate(Json.parseJson(swagger));
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
