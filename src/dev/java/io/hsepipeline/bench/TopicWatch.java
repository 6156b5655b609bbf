package io.hsepipeline.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from its start in a thread of its own while a run goes on: for each key, when each value of
 * the record field "state" (or "" when it has none) was first seen, by the record's own timestamp.
 */
final class TopicWatch implements AutoCloseable {

    private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([A-Z_]+)\"");

    private final Map<String, Map<String, Long>> firstSeen = new ConcurrentHashMap<>();
    private final List<Long> timestamps = new CopyOnWriteArrayList<>();
    private final List<String> values = new CopyOnWriteArrayList<>();
    private final List<ConsumerRecord<String, String>> kept = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final boolean keepValues;
    private volatile boolean running = true;

    TopicWatch(String bootstrapServers, String topic, boolean keepValues) {
        this.keepValues = keepValues;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // a topic the application has not created yet is found once it exists
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        thread = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer =
                         new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                while (running) {
                    consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                        timestamps.add(record.timestamp());
                        if (keepValues) {
                            values.add(record.value());
                            kept.add(record);
                        }
                        Matcher state = STATE.matcher(record.value() == null ? "" : record.value());
                        firstSeen.computeIfAbsent(String.valueOf(record.key()), k -> new ConcurrentHashMap<>())
                                .putIfAbsent(state.find() ? state.group(1) : "", record.timestamp());
                    });
                }
            }
        }, "bench-watch-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    /** When the key first reached the state, epoch millis; null if it has not. */
    Long firstSeen(String key, String state) {
        Map<String, Long> states = firstSeen.get(key);
        return states == null ? null : states.get(state);
    }

    /** How many of the keys have reached any of the states. */
    long reached(Iterable<String> keys, String... states) {
        long n = 0;
        for (String key : keys) {
            Map<String, Long> seen = firstSeen.get(key);
            if (seen != null && List.of(states).stream().anyMatch(seen::containsKey)) {
                n++;
            }
        }
        return n;
    }

    int records() {
        return timestamps.size();
    }

    List<Long> timestamps() {
        return List.copyOf(timestamps);
    }

    List<String> values() {
        return List.copyOf(values);
    }

    /** The records read, with their keys and headers (kept when values are). */
    List<ConsumerRecord<String, String>> kept() {
        return List.copyOf(kept);
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
