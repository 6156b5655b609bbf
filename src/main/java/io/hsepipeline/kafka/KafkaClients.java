package io.hsepipeline.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.hsepipeline.share.PipelineSettings;

/**
 * Kafka clients for what Camel's kafka component does not do: creating the topics with their settings,
 * reading the intake ledger and looking a key up before publishing again. Same brokers and security
 * settings as the component.
 */
@Component
public class KafkaClients {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);

    private final PipelineSettings.Kafka kafka;
    private final PipelineSettings.Topics topics;
    private volatile boolean topicsReady;

    public KafkaClients(PipelineSettings settings) {
        this.kafka = settings.kafka();
        this.topics = settings.topics();
    }

    public Properties common() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        kafka.properties().forEach((key, value) -> {
            if (value != null && !value.isBlank()) {
                props.put(key, value);
            }
        });
        return props;
    }

    public Admin admin() {
        Properties props = common();
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        return Admin.create(props);
    }

    public KafkaConsumer<String, String> consumer(String clientId) {
        Properties props = common();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    public KafkaProducer<String, String> producer(String clientId) {
        Properties props = common();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Creates the pipeline's topics once, with compaction where only the latest value per key matters. */
    public void ensureTopics() {
        if (topicsReady) {
            return;
        }
        synchronized (this) {
            if (topicsReady) {
                return;
            }
            Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            List<NewTopic> wanted = new ArrayList<>(List.of(
                    topic(topics.received(), Map.of()),
                    topic(topics.status(), compacted),
                    topic(topics.ledger(), compacted),
                    topic(topics.extracted(), Map.of()),
                    topic(topics.uploaded(), Map.of()),
                    topic(topics.validated(), Map.of())));
            topics.deadLetterStages().forEach(stage -> wanted.add(topic(topics.deadLetter(stage), Map.of())));
            try (Admin admin = admin()) {
                for (NewTopic topic : wanted) {
                    create(admin, topic);
                }
            }
            topicsReady = true;
        }
    }

    private NewTopic topic(String name, Map<String, String> configs) {
        return new NewTopic(name, topics.partitions(), topics.replicationFactor()).configs(configs);
    }

    private static void create(Admin admin, NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created topic {} ({} partitions, {})", topic.name(), topic.numPartitions(), topic.configs());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new KafkaUnavailableException("Could not create topic " + topic.name(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not answer within " + ADMIN_TIMEOUT.toSeconds()
                    + " s while creating topic " + topic.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("Interrupted while creating topic " + topic.name(), e);
        }
    }
}
