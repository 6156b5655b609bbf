package io.hsepipeline.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.kafka.KafkaClients;
import io.hsepipeline.kafka.TopicLookup;
import io.hsepipeline.share.PipelineSettings;
import io.hsepipeline.status.DocumentState;
import io.hsepipeline.records.StatusRecord;

/**
 * The documents' states as {@code hse.documents.status} holds them, in memory: read from the beginning at
 * start by a consumer of its own (assigned partitions, no group, nothing committed), then followed. Compaction
 * keeps at least each document's latest state; whatever else survived, and everything seen while running, is
 * kept as its history. No database: a restart rebuilds it.
 * <p>
 * Memory is bounded by the documents that ended (DONE): only the last {@code hse.api.ended-documents-in-memory} to
 * end are kept; an older one is forgotten but still counted by its state ({@link #forgottenCounts()}), and its
 * states are read again from its partition of the topic when it is asked for ({@link #recall}). Documents in work
 * and FAILED ones, which an operator may retry, are always kept.
 */
@Component
public class StatusStore implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(StatusStore.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration BACKOFF = Duration.ofSeconds(5);

    private final KafkaClients kafka;
    private final String topic;
    private final ObjectMapper json;
    /** States in which a document has ended for good: it may be forgotten. */
    private static final Set<DocumentState> ENDED = Set.of(DocumentState.DONE, DocumentState.REJECTED,
            DocumentState.DUPLICATE);

    private final TopicLookup lookup;
    private final int endedInMemory;
    private final Map<String, List<StatusRecord>> histories = new ConcurrentHashMap<>();
    /** The documents in memory that ended, the earliest to end first (guarded by itself). */
    private final LinkedHashMap<String, DocumentState> ended = new LinkedHashMap<>();
    /** Documents forgotten, by the state they ended in (guarded by ended). */
    private final Map<DocumentState, Long> forgotten = new EnumMap<>(DocumentState.class);
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread reader;

    public StatusStore(KafkaClients kafka, TopicLookup lookup, PipelineSettings settings, ObjectMapper json,
                       @Value("${hse.api.ended-documents-in-memory}") int endedInMemory) {
        if (endedInMemory < 1) {
            throw new IllegalArgumentException("hse.api.ended-documents-in-memory (HSE_API_ENDED_DOCUMENTS_IN_MEMORY)"
                    + " is at least 1, got " + endedInMemory);
        }
        this.kafka = kafka;
        this.lookup = lookup;
        this.endedInMemory = endedInMemory;
        this.topic = settings.topics().status();
        this.json = json;
    }

    /**
     * The document's states in the order they were written (oldest first); empty for a document never seen or
     * forgotten (see recall).
     */
    public List<StatusRecord> history(String documentId) {
        return List.copyOf(histories.getOrDefault(documentId, List.of()));
    }

    /**
     * A document's states as they are still on the topic, read from its partition: for one this store forgot. Reads
     * Kafka only when some document was forgotten (else a document not in memory is not on the topic either).
     */
    public List<StatusRecord> recall(String documentId) {
        List<StatusRecord> known = history(documentId);
        if (!known.isEmpty() || forgottenCounts().values().stream().mapToLong(Long::longValue).sum() == 0) {
            return known;
        }
        List<StatusRecord> recalled = new ArrayList<>();
        for (String value : lookup.valuesOf(topic, documentId)) {
            StatusRecord status = value == null ? null : parse(value);
            if (status != null && recalled.stream().noneMatch(s -> sameState(s, status))) {
                recalled.add(status);
            }
        }
        return recalled;
    }

    /** Documents this store forgot (they ended before the last hse.api.ended-documents-in-memory), by state. */
    public Map<DocumentState, Long> forgottenCounts() {
        synchronized (ended) {
            return Map.copyOf(forgotten);
        }
    }

    /** How many documents are in memory, with their timelines. */
    public int documentsInMemory() {
        return histories.size();
    }

    public Optional<StatusRecord> latest(String documentId) {
        List<StatusRecord> history = histories.get(documentId);
        return history == null || history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
    }

    /** Each document's latest state, the most recent first. */
    public List<StatusRecord> latestOfAll() {
        List<StatusRecord> all = new ArrayList<>();
        histories.values().forEach(history -> {
            if (!history.isEmpty()) {
                all.add(history.get(history.size() - 1));
            }
        });
        all.sort(Comparator.comparing(StatusRecord::time, Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
        return all;
    }

    /** True once the topic was read to the end it had at start: before that, the API may not know a document. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** A state this instance just wrote: known at once, before the topic brings it back. */
    public void apply(StatusRecord status) {
        synchronized (ended) {
            List<StatusRecord> history = histories.computeIfAbsent(status.documentId(), id -> new CopyOnWriteArrayList<>());
            // a record seen twice (written here, then read back; or replayed) is one state
            if (history.stream().noneMatch(s -> sameState(s, status))) {
                history.add(status);
            }
            StatusRecord latest = history.get(history.size() - 1);
            ended.remove(status.documentId());
            if (ENDED.contains(latest.state())) {
                ended.put(status.documentId(), latest.state());
                forgetTheEarliestEnded();
            }
        }
    }

    private void forgetTheEarliestEnded() {
        while (ended.size() > endedInMemory) {
            Map.Entry<String, DocumentState> earliest = ended.entrySet().iterator().next();
            ended.remove(earliest.getKey());
            histories.remove(earliest.getKey());
            forgotten.merge(earliest.getValue(), 1L, Long::sum);
        }
    }

    /** Starts afresh, before the topic is read from its beginning again. */
    private void clear() {
        caughtUp = false;
        synchronized (ended) {
            histories.clear();
            ended.clear();
            forgotten.clear();
        }
    }

    private static boolean sameState(StatusRecord a, StatusRecord b) {
        return a.state() == b.state() && String.valueOf(a.time()).equals(String.valueOf(b.time()));
    }

    @Override
    public void start() {
        running = true;
        reader = new Thread(this::readForever, "hse-status-store");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (reader != null) {
            try {
                reader.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void readForever() {
        while (running) {
            try (KafkaConsumer<String, String> c = kafka.consumer("hse-status-api-" + UUID.randomUUID())) {
                consumer = c;
                kafka.ensureTopics();
                read(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("Cannot read {} ({}); the status API tries again in {} s", topic, e.getMessage(),
                        BACKOFF.toSeconds());
                try {
                    Thread.sleep(BACKOFF.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } finally {
                consumer = null;
            }
        }
    }

    private void read(KafkaConsumer<String, String> c) {
        List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        c.assign(partitions);
        // from the beginning on every (re)connection, afresh: a forgotten document read again must not count twice
        c.seekToBeginning(partitions);
        clear();
        Map<TopicPartition, Long> ends = c.endOffsets(partitions);
        while (running) {
            for (ConsumerRecord<String, String> record : c.poll(POLL)) {
                read(record);
            }
            if (!caughtUp && partitions.stream().allMatch(tp -> c.position(tp) >= ends.get(tp))) {
                caughtUp = true;
                LOG.info("Status API: {} documents known from {}", histories.size(), topic);
            }
        }
    }

    private void read(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            return;
        }
        StatusRecord status = parse(record.value());
        if (status == null) {
            LOG.warn("Status API skips {}/{}@{}: not a status record", record.topic(), record.partition(), record.offset());
            return;
        }
        apply(status);
    }

    private StatusRecord parse(String value) {
        try {
            StatusRecord status = json.readValue(value, StatusRecord.class);
            return status.documentId() == null || status.state() == null ? null : status;
        } catch (Exception e) {
            return null;
        }
    }
}
