package io.hsepipeline.metrics;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.hsepipeline.kafka.KafkaClients;
import io.hsepipeline.share.PipelineSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code hse_kafka_consumer_lag{stage,group,topic}}: records on a stage's topic its consumer group has not
 * committed yet (a paused stage's lag grows while its service is down), read with the admin client every
 * hse.metrics.lag-interval-millis.
 */
@Component
public class ConsumerLagMetrics implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLagMetrics.class);

    private final KafkaClients clients;
    private final long intervalMillis;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private ScheduledExecutorService timer;

    public ConsumerLagMetrics(KafkaClients clients, PipelineSettings settings, MeterRegistry registry,
                              @Value("${hse.metrics.lag-interval-millis}") long intervalMillis) {
        this.clients = clients;
        this.intervalMillis = intervalMillis;
        PipelineSettings.Topics topics = settings.topics();
        // the group ids are the consumer routes' (routes/20-extract, 30-hsegenius, 50-fourhse, 60-qehs)
        groups.put("extract", new Group("hse-extract", topics.received()));
        groups.put("hsegenius", new Group("hse-hsegenius", topics.extracted()));
        groups.put("fourhse", new Group("hse-fourhse", topics.validated()));
        groups.put("qehs", new Group("hse-qehs", topics.validated()));
        groups.forEach((stage, group) -> Gauge.builder("hse.kafka.consumer.lag", group.lag, AtomicLong::get)
                .description("Records on the stage's topic its consumer group has not committed")
                .tags("stage", stage, "group", group.id, "topic", group.topic).register(registry));
    }

    void measure() {
        try (Admin admin = clients.admin()) {
            for (Group group : groups.values()) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.id)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                List<TopicPartition> partitions = admin.describeTopics(List.of(group.topic)).allTopicNames()
                        .get(10, TimeUnit.SECONDS).get(group.topic).partitions().stream()
                        .map(p -> new TopicPartition(group.topic, p.partition())).toList();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
                partitions.forEach(p -> {
                    latest.put(p, OffsetSpec.latest());
                    earliest.put(p, OffsetSpec.earliest());
                });
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                        .get(10, TimeUnit.SECONDS);
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(earliest).all()
                        .get(10, TimeUnit.SECONDS);
                long lag = 0;
                for (TopicPartition partition : partitions) {
                    OffsetAndMetadata done = committed.get(partition);
                    long from = done != null ? done.offset() : starts.get(partition).offset();
                    lag += Math.max(0, ends.get(partition).offset() - from);
                }
                group.lag.set(lag);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("Consumer lag not measured this time: {}", e.toString());
        }
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "hse-consumer-lag");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::measure, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null && !timer.isShutdown();
    }

    private record Group(String id, String topic, AtomicLong lag) {
        Group(String id, String topic) {
            this(id, topic, new AtomicLong());
        }
    }
}
