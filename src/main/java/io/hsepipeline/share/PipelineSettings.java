package io.hsepipeline.share;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Everything under {@code hse.*} in application.yaml: the share, its watched folders, intake and topics. */
@ConfigurationProperties("hse")
public record PipelineSettings(Path shareDir, Intake intake, Topics topics, Kafka kafka, List<WatchedFolder> folders) {

    public PipelineSettings {
        folders = folders == null ? List.of() : List.copyOf(folders);
    }

    /**
     * @param unfinishedWaitMillis an empty file, or a PDF without its end marker, changed less than this long
     *                             ago is still being written: it is left in place until then
     * @param ignoredNames         names (regular expression, whole name) of files and subfolders intake never takes
     * @param ledgerCacheSize      document ids the intake ledger holds: a copy of a document older than that
     *                             many others is no longer recognised as a duplicate
     * @param concurrency          files each watched folder's intake works on at the same time
     */
    public record Intake(DataSize maxFileSize, long settleMillis, long pollMillis, Duration recoveryInterval,
                         long unfinishedWaitMillis, String ignoredNames, int ledgerCacheSize, int concurrency) {
    }

    /**
     * @param deadLetterPrefix dead letters of stage X go to deadLetterPrefix + X
     * @param deadLetterStages the stages that have a dead-letter topic
     */
    public record Topics(String received, String status, String ledger, String extracted, String uploaded,
                         String validated, String deadLetterPrefix, List<String> deadLetterStages,
                         int partitions, short replicationFactor) {
        public Topics {
            deadLetterStages = deadLetterStages == null ? List.of() : List.copyOf(deadLetterStages);
        }

        public String deadLetter(String stage) {
            return deadLetterPrefix + stage;
        }
    }

    /** Kafka client settings shared by Camel's kafka component and the pipeline's own clients. */
    public record Kafka(String bootstrapServers, Map<String, String> properties) {
        public Kafka {
            properties = properties == null ? Map.of() : Map.copyOf(properties);
        }
    }

    /**
     * One watched folder: where users drop PDFs, and the defaults its documents carry to later stages.
     *
     * @param name         short name used in route ids, records and sidecars
     * @param path         directory, relative to the share or absolute
     * @param eerCodes     EER codes used when extraction finds none
     * @param customer     HSE Genius customer the records are sent to History for
     * @param fourhse      4HSE resource and action the certificates are made for
     * @param qehsModule   QEHS module the records are written into
     */
    public record WatchedFolder(String name, String path, List<String> eerCodes, String customer,
                                FourhseTarget fourhse, String qehsModule) {
        public WatchedFolder {
            eerCodes = eerCodes == null ? List.of() : List.copyOf(eerCodes);
        }
    }

    public record FourhseTarget(String resourceId, String actionId, String actionType) {
    }
}
