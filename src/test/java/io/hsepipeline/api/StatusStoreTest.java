package io.hsepipeline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.share.PipelineSettings;
import io.hsepipeline.status.DocumentState;
import io.hsepipeline.records.StatusRecord;

/** The status store keeps the timelines of documents in work, FAILED ones, and the last documents to end only. */
class StatusStoreTest {

    private static final int ENDED_IN_MEMORY = 3;

    private final StatusStore store = new StatusStore(null, null, settings(), new ObjectMapper(), ENDED_IN_MEMORY);

    @Test
    void onlyTheLastDocumentsToEndAreKeptAndTheOthersStayCounted() {
        for (int n = 0; n < 12; n++) {
            state("done-" + n, DocumentState.RECEIVED, "intake");
            state("done-" + n, DocumentState.DONE, "delivery");
        }
        state("failed", DocumentState.FAILED, "validate");
        state("working", DocumentState.EXTRACTED, "extract");

        assertThat(store.documentsInMemory()).isEqualTo(ENDED_IN_MEMORY + 2);
        assertThat(store.forgottenCounts()).isEqualTo(Map.of(DocumentState.DONE, 12L - ENDED_IN_MEMORY));
        assertThat(store.history("done-0")).isEmpty();
        assertThat(store.history("done-11")).extracting(StatusRecord::state)
                .containsExactly(DocumentState.RECEIVED, DocumentState.DONE);
        assertThat(store.latest("failed")).map(StatusRecord::state).contains(DocumentState.FAILED);
        assertThat(store.latestOfAll()).extracting(StatusRecord::documentId)
                .containsExactlyInAnyOrder("done-9", "done-10", "done-11", "failed", "working");
    }

    @Test
    void failedDocumentsAreNeverForgottenSoTheyCanBeRetried() {
        state("failed", DocumentState.RECEIVED, "intake");
        state("failed", DocumentState.FAILED, "hsegenius");
        for (int n = 0; n < 10; n++) {
            state("done-" + n, DocumentState.DONE, "delivery");
        }
        assertThat(store.history("failed")).hasSize(2);

        state("failed", DocumentState.EXTRACTED, "retry");
        state("failed", DocumentState.DONE, "delivery");
        assertThat(store.history("failed")).extracting(StatusRecord::state).containsExactly(DocumentState.RECEIVED,
                DocumentState.FAILED, DocumentState.EXTRACTED, DocumentState.DONE);
        assertThat(store.forgottenCounts().get(DocumentState.DONE)).isEqualTo(10L + 1 - ENDED_IN_MEMORY);
    }

    @Test
    void aStateSeenAgainIsOneState() {
        StatusRecord done = new StatusRecord("done", DocumentState.DONE, "delivery", "done.pdf", "inbox",
                Instant.now().toString(), null, null);
        store.apply(done);
        store.apply(done);
        assertThat(store.history("done")).hasSize(1);
        assertThat(store.forgottenCounts()).isEmpty();
    }

    @Test
    void capBelowOneIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new StatusStore(null, null, settings(), new ObjectMapper(), 0))
                .hasMessageContaining("HSE_API_ENDED_DOCUMENTS_IN_MEMORY");
    }

    private void state(String id, DocumentState state, String stage) {
        store.apply(new StatusRecord(id, state, stage, id + ".pdf", "inbox", Instant.now().toString(), null, null));
    }

    private static PipelineSettings settings() {
        return new PipelineSettings(null, null, new PipelineSettings.Topics("r", "hse.documents.status", "l", "e", "u",
                "v", "hse.dlt.", List.of(), 1, (short) 1), null, List.of());
    }
}
