package io.hsepipeline.intake;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.kafka.KafkaClients;
import io.hsepipeline.kafka.KafkaUnavailableException;
import io.hsepipeline.kafka.TopicLookup;
import io.hsepipeline.leader.LeadershipChanged;
import io.hsepipeline.share.PipelineSettings;

/**
 * Every document id intake has accepted, with the first file that carried it, kept on a compacted topic of
 * its own and held in memory. Loaded from Kafka on first use, so the application starts while Kafka is down.
 */
@Component
public class DocumentLedger implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentLedger.class);

    private final KafkaClients clients;
    private final TopicLookup topics;
    private final String topic;
    private final ObjectMapper json;
    private final Map<String, LedgerEntry> entries = new ConcurrentHashMap<>();
    private volatile boolean loaded;
    private KafkaProducer<String, String> producer;

    public DocumentLedger(KafkaClients clients, TopicLookup topics, PipelineSettings settings, ObjectMapper json) {
        this.clients = clients;
        this.topics = topics;
        this.topic = settings.topics().ledger();
        this.json = json;
    }

    public Optional<LedgerEntry> find(String documentId) {
        ensureLoaded();
        return Optional.ofNullable(entries.get(documentId));
    }

    public void record(LedgerEntry entry) {
        ensureLoaded();
        try {
            producer().send(new ProducerRecord<>(topic, entry.documentId(), json.writeValueAsString(entry)))
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnavailableException("Could not record document " + entry.documentId() + " in " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("Interrupted while recording " + entry.documentId(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        entries.put(entry.documentId(), entry);
    }

    /** A new leader reads the ledger again before its intake runs: the old leader recorded documents meanwhile. */
    @EventListener
    public void onLeadership(LeadershipChanged change) {
        loaded = false;
    }

    private void ensureLoaded() {
        if (loaded) {
            return;
        }
        synchronized (this) {
            if (loaded) {
                return;
            }
            clients.ensureTopics();
            topics.readAll(topic, (key, value) -> {
                if (value == null) {
                    entries.remove(key);
                } else {
                    entries.put(key, parse(value));
                }
            });
            loaded = true;
            LOG.info("Intake ledger loaded: {} documents seen before", entries.size());
        }
    }

    private LedgerEntry parse(String value) {
        try {
            return json.readValue(value, LedgerEntry.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable record on " + topic + ": " + e.getOriginalMessage(), e);
        }
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = clients.producer("hse-intake-ledger");
        }
        return producer;
    }

    @Override
    public synchronized void destroy() {
        if (producer != null) {
            producer.close();
        }
    }
}
