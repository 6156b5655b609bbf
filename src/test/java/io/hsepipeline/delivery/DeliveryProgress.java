package io.hsepipeline.delivery;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.hsepipeline.testing.TestKafka;

/** How far a consumer group has committed: a record behind its committed offset was fully handled. */
final class DeliveryProgress {

    private DeliveryProgress() {
    }

    /** How many records of this key on the topic lie behind the group's committed offsets. */
    static long committedPast(String group, String topic, String key) {
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        return TestKafka.records(topic, key).stream().filter(record -> {
            OffsetAndMetadata offset = committed.get(new TopicPartition(topic, record.partition()));
            return offset != null && offset.offset() > record.offset();
        }).count();
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not read the offsets of " + group, e);
        }
    }
}
