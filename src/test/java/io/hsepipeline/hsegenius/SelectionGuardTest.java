package io.hsepipeline.hsegenius;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.failure.ServiceFailure;

/** validate is sent only with a selection HSE Genius is seen to honour. */
class SelectionGuardTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Object> SELECTION = Map.of("id", List.of(7, 8));

    private final HseGeniusSwagger swagger = new HseGeniusSwagger();
    private final HseGeniusValidation validation = new HseGeniusValidation(null, null, null, null, "",
            Duration.ofHours(1), new HseGeniusNames("upload", "upload", "id", "upload"), swagger);

    @Test
    void answerNamingExactlyTheSelectedRecordsLetsValidateGoOn() throws Exception {
        validation.requireSelected(SELECTION, json("{\"records\": [{\"id\": 8}, {\"id\": 7}]}"), "validate-constraint");
    }

    @Test
    void answerNamingRecordsOfOthersStopsTheDocumentNamingTheSelectionSetting() throws Exception {
        assertThatThrownBy(() -> validation.requireSelected(SELECTION,
                json("{\"records\": [{\"id\": 7}, {\"id\": 8}, {\"id\": 9}]}"), "validate-constraint"))
                .isInstanceOfSatisfying(ServiceFailure.class, failure -> {
                    assertThat(failure.reason()).isEqualTo("filter-not-honoured");
                    assertThat(failure.action()).contains("HSEGENIUS_VALIDATE_SELECTION");
                });
    }

    @Test
    void retriedValidateWhoseRecordsWereValidatedAlreadyIsNoSignOfAnIgnoredFilter() throws Exception {
        validation.requireSelected(SELECTION, json("{\"ids\": []}"), "validate");
        validation.requireSelected(SELECTION, json("{\"ids\": [8]}"), "validate");
    }

    @Test
    void answerNamingNoRecordsIsAcceptedOnlyWhenTheLiveSwaggerDeclaresTheSelection() throws Exception {
        JsonNode silent = json("{\"can_validate\": true}");
        assertThatThrownBy(() -> validation.requireSelected(SELECTION, silent, "validate-constraint"))
                .isInstanceOf(ServiceFailure.class);

        swagger.read(json("{\"paths\": {\"/api/files/imported/\": {\"get\": {\"parameters\": ["
                + "{\"name\": \"upload\", \"in\": \"query\"}, {\"name\": \"id\", \"in\": \"query\"}]}}}}"));

        validation.requireSelected(SELECTION, silent, "validate-constraint");
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
