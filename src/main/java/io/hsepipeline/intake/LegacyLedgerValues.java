package io.hsepipeline.intake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the intake ledger's history from before {@link IntakeLedger}: the old {@code DocumentLedger} wrote each
 * id with the first file as a JSON value ({@code {"documentId":..,"fileName":..}}), and removed one with a
 * tombstone. Camel's {@code KafkaIdempotentRepository} understands only the values {@code add}, {@code remove}
 * and {@code clear} and skips anything else, so an upgraded deployment would take every document of its history
 * for new. This interceptor of the repository's consumer hands it a JSON value as {@code add} and a tombstone
 * as {@code remove}, which is what they meant. (The repository sets its own deserializers, so a consumer
 * interceptor is Kafka's hook left to do this.) The first file a duplicate's sidecar names is read from the
 * document's journal, as for new ids.
 */
public class LegacyLedgerValues implements ConsumerInterceptor<String, String> {

    static final String ADD = "add";
    static final String REMOVE = "remove";

    @Override
    public ConsumerRecords<String, String> onConsume(ConsumerRecords<String, String> records) {
        if (records.isEmpty()) {
            return records;
        }
        Map<TopicPartition, List<ConsumerRecord<String, String>>> read = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, String>> values = new ArrayList<>();
            for (ConsumerRecord<String, String> record : records.records(partition)) {
                values.add(translated(record));
            }
            read.put(partition, values);
        }
        return new ConsumerRecords<>(read);
    }

    /** The record as the repository understands it: an old value becomes the action it stood for. */
    static ConsumerRecord<String, String> translated(ConsumerRecord<String, String> record) {
        String value = record.value();
        String action = value == null ? REMOVE : value.stripLeading().startsWith("{") ? ADD : null;
        if (action == null) {
            return record;
        }
        return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(), action,
                record.headers(), record.leaderEpoch());
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        // the repository commits nothing
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }
}
