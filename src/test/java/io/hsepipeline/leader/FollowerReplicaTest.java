package io.hsepipeline.leader;

import static io.hsepipeline.testing.TestKafka.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.component.master.MasterConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.extract.HypatosSandbox;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.testing.StagedDocument;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/**
 * Two replicas on one share, broker and Hypatos, electing their leader with the file lock on the share: the
 * follower runs no leader-only route, the leader polls a document another replica's consumer handed to Hypatos,
 * and when the leader stops the follower takes over intake and the poller.
 */
class FollowerReplicaTest {

    private static final TestShare SHARE = TestShare.temporary("follower-share");
    private static final HypatosSandbox HYPATOS = new HypatosSandbox(Duration.ofMillis(300));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> LEADER_ONLY = List.of("intake-follower", "intake-recover", "extract-poll",
            "hsegenius-validate");

    @AfterAll
    static void stopSandbox() {
        HYPATOS.close();
    }

    @Test
    void followerRunsNoLeaderOnlyRouteAndTakesOverWithWhatOtherReplicasJournaled() throws Exception {
        ConfigurableApplicationContext leader = start("hse-leader", "inbox", "inbox");
        ConfigurableApplicationContext follower = null;
        ReceivedDocument handed;
        try {
            await().atMost(WAIT).until(() -> isLeader(leader));
            follower = start("hse-follower", "follower", "follower-inbox");
            CamelContext followerCamel = follower.getBean(CamelContext.class);
            assertThat(follower.getBean(Leadership.class).isLeader()).isFalse();
            LEADER_ONLY.forEach(route -> assertThat(master(followerCamel, route).isMaster()).as(route).isFalse());

            // a PDF only the follower watches, and a document another replica's consumer handed to Hypatos
            byte[] pdf = TestPdfs.withText("Product name: Followed", "Test copy " + UUID.randomUUID());
            Path dropped = SHARE.drop("follower-inbox", TestShare.uniqueName("followed"), pdf);
            handed = handedToHypatos("handed");

            await().atMost(WAIT).until(() -> extracted(handed) == 1);
            await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> Files.exists(dropped));
        } finally {
            leader.close();
        }
        ConfigurableApplicationContext successor = follower;
        try {
            CamelContext followerCamel = successor.getBean(CamelContext.class);
            await().atMost(WAIT).until(() -> isLeader(successor));
            LEADER_ONLY.forEach(route -> assertThat(master(followerCamel, route).isMaster()).as(route).isTrue());

            ReceivedDocument later = handedToHypatos("later");
            await().atMost(WAIT).until(() -> extracted(later) == 1);
            Path dropped = SHARE.folder("follower-inbox");
            await().atMost(WAIT).until(() -> isEmpty(dropped));
            assertThat(records(SHARE.receivedTopic())).anySatisfy(record ->
                    assertThat(record.value()).contains("\"watchedFolder\":\"follower\""));
            // each polled once: a document being checked is not picked up again from the journal
            assertThat(extracted(handed)).isEqualTo(1);
            assertThat(extracted(later)).isEqualTo(1);
        } finally {
            successor.close();
        }
    }

    private static MasterConsumer master(CamelContext camel, String routeId) {
        return (MasterConsumer) camel.getRoute(routeId).getConsumer();
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.findAny().isEmpty();
        }
    }

    private static int extracted(ReceivedDocument document) {
        return records(SHARE.topic("hse.documents.extracted"), document.documentId()).size();
    }

    /** As the extract consumer of another replica leaves a document: published, uploaded, processed, polling. */
    private static ReceivedDocument handedToHypatos(String stem) {
        byte[] pdf = TestPdfs.withText("Product name: Handed over", "Test copy " + UUID.randomUUID());
        ReceivedDocument received = StagedDocument.received(SHARE, pdf, TestShare.uniqueName(stem));
        String fileId = HYPATOS.uploadAndProcess(received.fileName(), pdf, received.documentId());
        String hypatosDocumentId = HYPATOS.documentsFor(received.documentId()).get(0).get("id").asText();
        Path journal = SHARE.root().resolve(".hse").resolve(received.documentId());
        String now = Instant.now().toString();
        try {
            Files.writeString(journal.resolve("published.json"), JSON.writeValueAsString(Map.of("at", now)));
            Files.writeString(journal.resolve("extract.json"), JSON.writeValueAsString(Map.of("fileId", fileId,
                    "hypatosDocumentId", hypatosDocumentId, "phase", "POLLING", "pollingSince", now,
                    "nextPollAt", now, "waitMillis", 200)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return received;
    }

    private static boolean isLeader(ConfigurableApplicationContext app) {
        return app.getBean(Leadership.class).isLeader();
    }

    private static ConfigurableApplicationContext start(String name, String folder, String path) {
        Map<String, Object> settings = new LinkedHashMap<>();
        SHARE.register((setting, value) -> settings.put(setting, value.get()));
        HYPATOS.register((setting, value) -> settings.put(setting, value.get()));
        // two applications in one JVM: their Camel names keep their Quartz schedulers and MBeans apart
        settings.put("camel.main.name", name);
        settings.put("hse.folders[0].name", folder);
        settings.put("hse.folders[0].path", path);
        settings.put("hse.extract.poll-tick-millis", "100");
        settings.put("hse.extract.poll-first-millis", "200");
        settings.put("hse.extract.poll-max-millis", "500");
        settings.put("hse.extract.rescan-millis", "500");
        List<String> args = new ArrayList<>();
        settings.forEach((setting, value) -> args.add("--" + setting + "=" + value));
        return new SpringApplicationBuilder(HsePipelineApplication.class).run(args.toArray(String[]::new));
    }
}
