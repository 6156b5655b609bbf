package io.hsepipeline.dev;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * make replay DLT=hse.dlt.qehs [PARTITION=0 OFFSET=12]: sends dead letters back to the topic they came from
 * (header hse_original_topic), with their key and CloudEvents headers and without the hse_* failure headers.
 * Without an offset, every dead letter not replayed before (the consumer group hse-replay.<dlt> remembers);
 * with one, exactly that record, again if need be. The stages make their effect idempotent, so a record
 * replayed to a topic with several consumers changes nothing at those that already had it.
 */
public final class ReplayDeadLetters {

    private static final Duration POLL = Duration.ofMillis(500);

    private final String servers;

    public ReplayDeadLetters(String servers) {
        this.servers = servers;
    }

    public static void main(String[] args) {
        if (args.length != 1 && args.length != 3) {
            System.err.println("usage: ReplayDeadLetters <dead-letter topic> [<partition> <offset>]");
            System.exit(2);
        }
        DevLogging.quiet(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ReplayDeadLetters replay = new ReplayDeadLetters(
                System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
        List<String> replayed = args.length == 1 ? replay.unreplayed(args[0])
                : replay.one(args[0], Integer.parseInt(args[1]), Long.parseLong(args[2]));
        replayed.forEach(System.out::println);
        System.err.println("Replayed " + replayed.size() + " dead letter(s) from " + args[0] + ".");
    }

    /** Every dead letter the replay group has not sent back yet; returns what was sent, one line each. */
    public List<String> unreplayed(String deadLetterTopic) {
        Properties props = consumerProps();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "hse-replay." + deadLetterTopic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> replayed = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(props); KafkaProducer<String, String> producer = producer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(deadLetterTopic).stream()
                    .map(p -> new TopicPartition(deadLetterTopic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    replayed.add(send(producer, record));
                    consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        }
        return replayed;
    }

    /** Exactly the dead letter at this partition and offset. */
    public List<String> one(String deadLetterTopic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(deadLetterTopic, partition);
        try (KafkaConsumer<String, String> consumer = consumer(consumerProps()); KafkaProducer<String, String> producer = producer()) {
            consumer.assign(List.of(tp));
            if (offset >= consumer.endOffsets(List.of(tp)).get(tp)) {
                throw new IllegalArgumentException("No record at " + deadLetterTopic + " partition " + partition + " offset " + offset);
            }
            consumer.seek(tp, offset);
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    if (record.offset() == offset) {
                        return List.of(send(producer, record));
                    }
                }
            }
        }
    }

    private static String send(KafkaProducer<String, String> producer, ConsumerRecord<String, String> dead) {
        Header original = dead.headers().lastHeader("hse_original_topic");
        if (original == null) {
            throw new IllegalStateException(dead.topic() + " offset " + dead.offset() + " has no hse_original_topic header");
        }
        String topic = new String(original.value(), StandardCharsets.UTF_8);
        ProducerRecord<String, String> again = new ProducerRecord<>(topic, dead.key(), dead.value());
        for (Header header : dead.headers()) {
            if (!header.key().startsWith("hse_")) {
                again.headers().add(header);
            }
        }
        try {
            var sent = producer.send(again).get();
            return dead.topic() + "/" + dead.partition() + "@" + dead.offset() + " -> " + topic + "/" + sent.partition()
                    + "@" + sent.offset() + " key " + dead.key();
        } catch (Exception e) {
            throw new IllegalStateException("Could not send " + dead.topic() + "@" + dead.offset() + " back to " + topic, e);
        }
    }

    private Properties consumerProps() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return props;
    }

    private static KafkaConsumer<String, String> consumer(Properties props) {
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
