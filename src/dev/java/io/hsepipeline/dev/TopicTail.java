package io.hsepipeline.dev;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * make tail TOPIC=...: prints a topic's records from the beginning as JSON lines (key, headers, value),
 * then keeps following it until Ctrl-C. Reads without a consumer group, so it moves no one's offsets.
 */
public final class TopicTail {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: TopicTail <topic>");
            System.exit(2);
        }
        // records go to standard output; the clients' chatter must not
        DevLogging.quiet(org.slf4j.Logger.ROOT_LOGGER_NAME);
        String topic = args[0];
        String servers = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        AtomicBoolean running = new AtomicBoolean(true);
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                running.set(false);
                consumer.wakeup();
                try {
                    main.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            List<TopicPartition> partitions = partitions(consumer, topic, servers);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            System.err.println("Following " + topic + " on " + servers + " (" + partitions.size()
                    + " partitions); Ctrl-C stops.");
            while (running.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    System.out.println(JSON.writeValueAsString(line(record)));
                }
                System.out.flush();
            }
        } catch (WakeupException e) {
            // Ctrl-C
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer, String topic, String servers) {
        try {
            var infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                System.err.println("Topic " + topic + " does not exist (yet) on " + servers
                        + ". Topics: " + consumer.listTopics().keySet());
                System.exit(1);
            }
            return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            System.err.println("No Kafka broker answers at " + servers
                    + ". Start the pipeline with `make run`, or set KAFKA_BOOTSTRAP_SERVERS.");
            System.exit(1);
            return List.of();
        }
    }

    private static Map<String, Object> line(ConsumerRecord<String, String> record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("key", record.key());
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        line.put("headers", headers);
        line.put("value", value(record.value()));
        return line;
    }

    private static Object value(String value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(value);
            return node;
        } catch (JsonProcessingException e) {
            return value;
        }
    }
}
