package io.hsepipeline.intake;

import java.util.ConcurrentModificationException;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.processor.idempotent.kafka.KafkaIdempotentRepository;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.hsepipeline.kafka.KafkaClients;
import io.hsepipeline.share.PipelineSettings;

/**
 * The repository of intake's {@code idempotentConsumer} (routes/10-intake.camel.yaml): every document id intake
 * has taken in, on the compacted topic {@code hse.intake.ledger}, read whole at start and then followed.
 * Camel's {@link KafkaIdempotentRepository} with three additions that intake's several files at once need:
 * <ul>
 * <li>{@code add} is atomic per id (Camel's is check-then-put), so two copies taken at the same moment are
 * one document and one duplicate;</li>
 * <li>it knows which ids are still being taken in here, so a copy arriving meanwhile waits for the first
 * one's outcome instead of being judged against a journal not written yet;</li>
 * <li>a duplicate whose setting aside fails does not remove the first copy's id (the EIP's
 * {@code removeOnFailure} is meant for the first copy only).</li>
 * </ul>
 * Only the id is on the topic: what a duplicate's reason names (the first file) is in the document's journal.
 * The JSON values of earlier releases' ledger are read as ids added ({@link LegacyLedgerValues}).
 */
@Component("intakeLedger")
public class IntakeLedger extends KafkaIdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeLedger.class);
    private static final int STRIPES = 64;

    private final KafkaClients clients;
    private final Object[] stripes = new Object[STRIPES];
    private final Set<String> takingIn = ConcurrentHashMap.newKeySet();

    public IntakeLedger(KafkaClients clients, PipelineSettings settings, CamelContext camelContext) {
        this.clients = clients;
        setTopic(settings.topics().ledger());
        // every id we promise to recognise must fit: the repository checks only this cache, never the topic
        setMaxCacheSize(settings.intake().ledgerCacheSize());
        setCamelContext(camelContext);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /** Whether the topic was read (on first use: the intake routes start, not ready, while Kafka is away). */
    private volatile boolean loaded;

    @Override
    protected void doStart() throws Exception {
        // nothing here: a route with this repository must start even while Kafka cannot be reached
    }

    /** Reads the topic whole once, on first use; a Kafka that cannot be reached fails this use, not the start. */
    private void load() {
        if (loaded) {
            return;
        }
        synchronized (this) {
            if (loaded) {
                return;
            }
            try {
                loadTopic();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("Could not read the intake ledger " + getTopic() + ": " + e.getMessage(), e);
            }
            loaded = true;
        }
    }

    private void loadTopic() throws Exception {
        // same brokers and security as the pipeline's other clients; every record acknowledged by all replicas
        Properties consumer = clients.common();
        consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, "hse-intake-ledger");
        // ids recorded by the DocumentLedger of earlier releases (JSON values) count as added
        consumer.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, LegacyLedgerValues.class.getName());
        setConsumerConfig(consumer);
        Properties producer = clients.common();
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, "hse-intake-ledger");
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Camel's default (0) sends every id alone; intake adds several at once, which may share a request
        producer.put(ProducerConfig.BATCH_SIZE_CONFIG, "16384");
        setProducerConfig(producer);
        // the repository reads its topic at start: it has to exist (compacted) before
        clients.ensureTopics();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        if (!loaded) {
            return;
        }
        loaded = false;
        try {
            super.doStop();
        } catch (ConcurrentModificationException e) {
            // Camel 4.17 closes the topic's reader while its thread may still be in a poll: that thread ends by
            // itself, and a stop is the process ending or the route going away, so this is no failure
            LOG.debug("Intake ledger stopped while its reader was polling {}: {}", getTopic(), e.getMessage());
        }
    }

    @Override
    public boolean add(String key) {
        load();
        synchronized (stripe(key)) {
            return super.add(key);
        }
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        load();
        synchronized (stripe(key)) {
            boolean added = super.add(key);
            if (added) {
                takingIn.add(key);
            }
            return added;
        }
    }

    @Override
    public boolean contains(String key) {
        load();
        return super.contains(key);
    }

    @Override
    public boolean remove(String key) {
        load();
        return super.remove(key);
    }

    @Override
    public boolean confirm(Exchange exchange, String key) {
        if (!isDuplicate(exchange)) {
            takingIn.remove(key);
        }
        return super.confirm(exchange, key);
    }

    @Override
    public boolean remove(Exchange exchange, String key) {
        if (isDuplicate(exchange)) {
            return false;
        }
        takingIn.remove(key);
        return super.remove(exchange, key);
    }

    /** Records an id taken in outside the EIP (recovery), starting the repository if no intake route has yet. */
    public void record(String documentId) {
        start();
        add(documentId);
    }

    /**
     * Removes an id that no document on the share answers to (a kill between its record here and the move to
     * processing/), unless meanwhile a file is being taken in with it or {@code takenIn} finds it after all.
     * Checked under the id's lock, so it never removes the id of a document that another thread takes in.
     */
    public boolean forgetUnless(String documentId, BooleanSupplier takenIn) {
        synchronized (stripe(documentId)) {
            if (takingIn.contains(documentId) || takenIn.getAsBoolean()) {
                return false;
            }
            remove(documentId);
            return true;
        }
    }

    /** Whether a file with these bytes is being taken in here right now (added, its exchange not yet done). */
    public boolean isTakingIn(String documentId) {
        return takingIn.contains(documentId);
    }

    private Object stripe(String key) {
        return stripes[Math.floorMod(key.hashCode(), STRIPES)];
    }

    private static boolean isDuplicate(Exchange exchange) {
        return exchange.getProperty(ExchangePropertyKey.DUPLICATE_MESSAGE, false, Boolean.class);
    }
}
