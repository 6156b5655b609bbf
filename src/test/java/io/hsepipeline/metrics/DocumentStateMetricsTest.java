package io.hsepipeline.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.share.PipelineSettings;
import io.hsepipeline.status.DocumentState;
import io.hsepipeline.records.StatusRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The document gauges stay exact while only the last documents to end are kept in memory. */
class DocumentStateMetricsTest {

    private static final int TRACKED = 3;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DocumentStateMetrics metrics = new DocumentStateMetrics(null, settings(), registry,
            new ObjectMapper(), false, TRACKED);

    @Test
    void documentsThatEndedAreForgottenBeyondTheCapAndStayCounted() {
        for (int n = 0; n < 20; n++) {
            String id = "done-" + n;
            state(id, DocumentState.RECEIVED, "intake");
            state(id, DocumentState.EXTRACTED, "extract");
            state(id, DocumentState.PUBLISHED, "validate");
            state(id, DocumentState.DONE, "delivery");
        }
        state("failed", DocumentState.RECEIVED, "intake");
        state("failed", DocumentState.FAILED, "hsegenius");
        state("working", DocumentState.RECEIVED, "intake");
        state("working", DocumentState.EXTRACTED, "extract");

        assertThat(metrics.documentsTracked()).isEqualTo(TRACKED + 2);
        assertThat(gauge("hse.documents", "state", "DONE")).isEqualTo(20);
        assertThat(gauge("hse.documents", "state", "FAILED")).isEqualTo(1);
        assertThat(gauge("hse.documents", "state", "EXTRACTED")).isEqualTo(1);
        assertThat(gauge("hse.documents", "state", "RECEIVED")).isZero();
        assertThat(gauge("hse.documents.in.flight", "stage", "extract")).isEqualTo(1);
        assertThat(gauge("hse.documents.in.flight", "stage", "intake")).isZero();
    }

    @Test
    void failedDocumentsAreKeptSoARetryMovesTheirCountHowEverManyEndedSince() {
        state("failed", DocumentState.RECEIVED, "intake");
        state("failed", DocumentState.FAILED, "hsegenius");
        for (int n = 0; n < 10; n++) {
            state("done-" + n, DocumentState.DONE, "delivery");
        }

        state("failed", DocumentState.EXTRACTED, "retry");
        state("failed", DocumentState.UPLOADED, "hsegenius");

        assertThat(gauge("hse.documents", "state", "FAILED")).isZero();
        assertThat(gauge("hse.documents", "state", "UPLOADED")).isEqualTo(1);
        assertThat(gauge("hse.documents.in.flight", "stage", "hsegenius")).isEqualTo(1);
        assertThat(gauge("hse.documents", "state", "DONE")).isEqualTo(10);
    }

    @Test
    void aDocumentThatEndsAgainWhileKeptIsCountedOnce() {
        for (int n = 0; n < 5; n++) {
            state("done-" + n, DocumentState.DONE, "delivery");
        }
        // the last to end is kept: a second DONE of it (written again after a restart) changes nothing
        state("done-4", DocumentState.DONE, "delivery");

        assertThat(gauge("hse.documents", "state", "DONE")).isEqualTo(5);
        assertThat(metrics.documentsTracked()).isEqualTo(TRACKED);
    }

    @Test
    void capBelowOneIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new DocumentStateMetrics(null, settings(), new SimpleMeterRegistry(), new ObjectMapper(),
                false, 0)).hasMessageContaining("HSE_METRICS_ENDED_DOCUMENTS_TRACKED");
    }

    private void state(String id, DocumentState state, String stage) {
        metrics.accept(id, new StatusRecord(id, state, stage, id + ".pdf", "inbox", Instant.now().toString(), null, null),
                Instant.now());
    }

    private double gauge(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).gauge().value();
    }

    private static PipelineSettings settings() {
        return new PipelineSettings(null, null, new PipelineSettings.Topics("r", "hse.documents.status", "l", "e", "u",
                "v", "hse.dlt.", List.of(), 1, (short) 1), null, List.of());
    }
}
