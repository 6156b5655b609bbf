package io.hsepipeline.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.kafka.KafkaClients;
import io.hsepipeline.share.PipelineSettings;
import io.hsepipeline.status.StatusRecord;

/**
 * Every document's states as {@code hse.documents.status} holds them, in memory: read from the beginning at
 * start by a consumer of its own (assigned partitions, no group, nothing committed), then followed. Compaction
 * keeps at least each document's latest state; whatever else survived, and everything seen while running, is
 * kept as its history. No database: a restart rebuilds it.
 */
@Component
public class StatusStore implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(StatusStore.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration BACKOFF = Duration.ofSeconds(5);

    private final KafkaClients kafka;
    private final String topic;
    private final ObjectMapper json;
    private final Map<String, List<StatusRecord>> histories = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread reader;

    public StatusStore(KafkaClients kafka, PipelineSettings settings, ObjectMapper json) {
        this.kafka = kafka;
        this.topic = settings.topics().status();
        this.json = json;
    }

    /** The document's states in the order they were written (oldest first); empty for a document never seen. */
    public List<StatusRecord> history(String documentId) {
        return List.copyOf(histories.getOrDefault(documentId, List.of()));
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
        List<StatusRecord> history = histories.computeIfAbsent(status.documentId(), id -> new CopyOnWriteArrayList<>());
        synchronized (history) {
            // a record seen twice (written here, then read back; or replayed) is one state
            boolean known = history.stream().anyMatch(s -> s.state() == status.state()
                    && String.valueOf(s.time()).equals(String.valueOf(status.time())));
            if (!known) {
                history.add(status);
            }
        }
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
        // from the beginning on every (re)connection: apply() ignores what is known already
        c.seekToBeginning(partitions);
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
        try {
            apply(json.readValue(record.value(), StatusRecord.class));
        } catch (Exception e) {
            LOG.warn("Status API skips {}/{}@{}: not a status record ({})", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }
}
