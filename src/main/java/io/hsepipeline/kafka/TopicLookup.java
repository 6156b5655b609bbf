package io.hsepipeline.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.springframework.stereotype.Component;

/**
 * Answers "is there already a record with this key on this topic?", so that work found half done after a
 * crash is published only when it was not. Reads only the partition the default partitioner picks for the key.
 */
@Component
public class TopicLookup {

    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaClients clients;

    public TopicLookup(KafkaClients clients) {
        this.clients = clients;
    }

    public boolean containsKey(String topic, String key) {
        return !valuesOf(topic, key, true).isEmpty();
    }

    /** The values of every record with this key still on the topic, oldest first (tombstones as null). */
    public List<String> valuesOf(String topic, String key) {
        return valuesOf(topic, key, false);
    }

    private List<String> valuesOf(String topic, String key, boolean firstOnly) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = clients.consumer("hse-lookup")) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic);
            if (partitions == null || partitions.isEmpty()) {
                return values;
            }
            int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions.size();
            TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    if (record.offset() < end && key.equals(record.key())) {
                        values.add(record.value());
                        if (firstOnly) {
                            return values;
                        }
                    }
                }
            }
            return values;
        }
    }

    /** Reads every record of a topic up to its current end, for state kept on a compacted topic. */
    public void readAll(String topic, BiConsumer<String, String> sink) {
        try (KafkaConsumer<String, String> consumer = clients.consumer("hse-replay")) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    sink.accept(record.key(), record.value());
                }
            }
        }
    }
}
