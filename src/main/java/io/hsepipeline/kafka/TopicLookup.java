package io.hsepipeline.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.springframework.stereotype.Component;

/**
 * Reads records by key from the topic as it is now, reading only the partitions the default partitioner picks
 * for the keys.
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
        return recordsOf(topic, Set.of(key)).stream().map(ConsumerRecord::value).toList();
    }

    /**
     * Which of these keys have a record on the topic now: each partition that holds one of the keys (by the
     * default partitioner) is read once from its start, whatever the number of keys. For crash recovery only.
     */
    public Set<String> keysPresent(String topic, Collection<String> keys) {
        return recordsOf(topic, keys).stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }

    /** The records with these keys on the topic now, oldest first: their partitions read from the start to their end. */
    private List<ConsumerRecord<String, String>> recordsOf(String topic, Collection<String> keys) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        if (keys.isEmpty()) {
            return found;
        }
        try (KafkaConsumer<String, String> consumer = clients.consumer("hse-lookup")) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic);
            if (partitions == null || partitions.isEmpty()) {
                return found;
            }
            List<TopicPartition> tps = keys.stream().map(key -> new TopicPartition(topic, partitionOf(key, partitions.size())))
                    .distinct().toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    long end = ends.get(new TopicPartition(record.topic(), record.partition()));
                    if (record.offset() < end && keys.contains(record.key())) {
                        found.add(record);
                    }
                }
            }
            return found;
        }
    }

    private static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
