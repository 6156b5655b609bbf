package io.hsepipeline.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.springframework.stereotype.Component;

/**
 * Reads state kept on compacted topics: one key's records (only the partition the default partitioner picks
 * for the key), or a whole topic.
 */
@Component
public class TopicLookup {

    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaClients clients;

    public TopicLookup(KafkaClients clients) {
        this.clients = clients;
    }

    /** The values of every record with this key still on the topic, oldest first (tombstones as null). */
    public List<String> valuesOf(String topic, String key) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = clients.consumer("hse-lookup")) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic);
            if (partitions == null || partitions.isEmpty()) {
                return values;
            }
            TopicPartition tp = new TopicPartition(topic, partitionOf(key, partitions.size()));
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    if (record.offset() < end && key.equals(record.key())) {
                        values.add(record.value());
                    }
                }
            }
            return values;
        }
    }

    /**
     * Which of these keys have a record on the topic now: each partition that holds one of the keys (by the
     * default partitioner) is read once from its start, whatever the number of keys. For crash recovery only.
     */
    public Set<String> keysPresent(String topic, Collection<String> keys) {
        Set<String> present = new HashSet<>();
        if (keys.isEmpty()) {
            return present;
        }
        try (KafkaConsumer<String, String> consumer = clients.consumer("hse-lookup")) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic);
            if (partitions == null || partitions.isEmpty()) {
                return present;
            }
            List<TopicPartition> tps = keys.stream().map(key -> new TopicPartition(topic, partitionOf(key, partitions.size())))
                    .distinct().toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    if (keys.contains(record.key())) {
                        present.add(record.key());
                    }
                }
            }
            return present;
        }
    }

    private static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
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
