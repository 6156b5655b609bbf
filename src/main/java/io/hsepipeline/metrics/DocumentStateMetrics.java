package io.hsepipeline.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.kafka.KafkaClients;
import io.hsepipeline.share.PipelineSettings;
import io.hsepipeline.status.DocumentState;
import io.hsepipeline.records.StatusRecord;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Documents by state and in flight per stage, read from hse.documents.status (from its start, so the counts
 * cover every replica and survive restarts): {@code hse_documents{state}} and
 * {@code hse_documents_in_flight{stage}}. With hse.logging.progress (profile local) each state change is also
 * one readable line: {@code acetone-sds.pdf  EXTRACTED  hypatos 3.1 s}.
 * <p>
 * Each document's latest state is kept while it is in work or FAILED (it may be retried); of those that ended
 * (DONE), only the last {@code hse.metrics.ended-documents-tracked} to end: an older one stays counted by its state,
 * and should it ever change state again it is counted afresh.
 */
@Component
public class DocumentStateMetrics implements SmartLifecycle {

    /** The stages a status record names, in pipeline order. */
    public static final List<String> STAGES = List.of("intake", "extract", "hsegenius", "validate", "fourhse", "qehs",
            "delivery");
    private static final Set<DocumentState> FINAL = Set.of(DocumentState.DONE, DocumentState.REJECTED,
            DocumentState.DUPLICATE, DocumentState.FAILED);
    /** States in which a document has ended for good: it may be forgotten, its count stays. */
    private static final Set<DocumentState> ENDED = Set.of(DocumentState.DONE, DocumentState.REJECTED,
            DocumentState.DUPLICATE);
    private static final Map<String, String> SERVICE_OF_STAGE = Map.of("extract", "hypatos", "hsegenius", "hsegenius",
            "validate", "hsegenius", "fourhse", "fourhse", "qehs", "qehs");
    private static final Logger LOG = LoggerFactory.getLogger(DocumentStateMetrics.class);
    private static final Logger PROGRESS = LoggerFactory.getLogger("hse.progress");

    private final KafkaClients clients;
    private final String topic;
    private final boolean progress;
    private final ObjectMapper json;
    private final int endedTracked;
    /** The documents' latest states; those ended, the earliest to end first (only the reader thread changes it). */
    private final Map<String, Latest> latest = new ConcurrentHashMap<>();
    private final LinkedHashMap<String, Boolean> ended = new LinkedHashMap<>();
    private final Map<DocumentState, AtomicInteger> byState = new EnumMap<>(DocumentState.class);
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread reader;

    public DocumentStateMetrics(KafkaClients clients, PipelineSettings settings, MeterRegistry registry,
                                ObjectMapper json, @Value("${hse.logging.progress}") boolean progress,
                                @Value("${hse.metrics.ended-documents-tracked}") int endedTracked) {
        if (endedTracked < 1) {
            throw new IllegalArgumentException("hse.metrics.ended-documents-tracked (HSE_METRICS_ENDED_DOCUMENTS_TRACKED)"
                    + " is at least 1, got " + endedTracked);
        }
        this.endedTracked = endedTracked;
        this.clients = clients;
        this.topic = settings.topics().status();
        this.json = json;
        this.progress = progress;
        for (DocumentState state : DocumentState.values()) {
            AtomicInteger count = new AtomicInteger();
            byState.put(state, count);
            Gauge.builder("hse.documents", count, AtomicInteger::get)
                    .description("Documents by their latest state on hse.documents.status").tag("state", state.name())
                    .register(registry);
        }
        for (String stage : STAGES) {
            AtomicInteger count = new AtomicInteger();
            inFlight.put(stage, count);
            Gauge.builder("hse.documents.in.flight", count, AtomicInteger::get)
                    .description("Documents not yet ended, by the stage of their latest state").tag("stage", stage)
                    .register(registry);
        }
    }

    @Override
    public void start() {
        running = true;
        reader = new Thread(this::read, "hse-status-metrics");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void stop() {
        running = false;
        if (reader != null) {
            reader.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void read() {
        Instant startedAt = Instant.now();
        while (running) {
            try (KafkaConsumer<String, String> consumer = clients.consumer("hse-status-metrics")) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                if (partitions.isEmpty()) {
                    pause(Duration.ofSeconds(2));
                    continue;
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                // read from the beginning again after a reconnection: counted afresh, not twice
                reset();
                while (running) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                        accept(record, startedAt);
                    }
                }
            } catch (InterruptException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.debug("Reading {} for the document metrics failed, trying again: {}", topic, e.toString());
                    pause(Duration.ofSeconds(2));
                }
            }
        }
    }

    private void accept(ConsumerRecord<String, String> record, Instant startedAt) {
        if (record.value() == null || record.key() == null) {
            return;
        }
        StatusRecord status;
        try {
            status = json.readValue(record.value(), StatusRecord.class);
        } catch (Exception notAStatus) {
            return;
        }
        if (status.state() == null) {
            return;
        }
        Instant at = Instant.ofEpochMilli(record.timestamp());
        Latest before = accept(record.key(), status, at);
        if (progress && !at.isBefore(startedAt)) {
            logProgress(status, before, at);
        }
    }

    /** Counts the document's new state; returns its state before, if known. Only the reader thread calls it. */
    Latest accept(String documentId, StatusRecord status, Instant at) {
        Latest now = new Latest(status.state(), status.stage(), at);
        Latest before = latest.put(documentId, now);
        if (before != null) {
            byState.get(before.state).decrementAndGet();
            inFlightOf(before).ifPresent(AtomicInteger::decrementAndGet);
        }
        byState.get(now.state).incrementAndGet();
        inFlightOf(now).ifPresent(AtomicInteger::incrementAndGet);
        ended.remove(documentId);
        if (ENDED.contains(now.state)) {
            ended.put(documentId, true);
            while (ended.size() > endedTracked) {
                String earliest = ended.keySet().iterator().next();
                ended.remove(earliest);
                latest.remove(earliest);
            }
        }
        return before;
    }

    /** How many documents' latest states are kept. */
    int documentsTracked() {
        return latest.size();
    }

    private void reset() {
        latest.clear();
        ended.clear();
        byState.values().forEach(count -> count.set(0));
        inFlight.values().forEach(count -> count.set(0));
    }

    private Optional<AtomicInteger> inFlightOf(Latest state) {
        if (FINAL.contains(state.state) || state.stage == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(inFlight.get(state.stage));
    }

    private void logProgress(StatusRecord status, Latest before, Instant at) {
        String took = before == null ? "" : String.format(" %.1f s", Duration.between(before.at, at).toMillis() / 1000.0);
        String by = SERVICE_OF_STAGE.getOrDefault(status.stage(), status.stage());
        String why = status.reason() == null ? "" : "  " + status.reason() + ": " + status.detail();
        try (MDC.MDCCloseable about = MDC.putCloseable("hseDocumentId", status.documentId())) {
            PROGRESS.info("{}  {}  {}{}{}", status.fileName(), status.state(), by, took, why);
        }
    }

    private void pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    record Latest(DocumentState state, String stage, Instant at) {
    }
}
