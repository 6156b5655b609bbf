package io.hsepipeline.api;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.ResourceEndpoint;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.journal.JournalIdempotentRepository;
import io.hsepipeline.kafka.KafkaClients;
import io.hsepipeline.outcome.DocumentOutcomes;
import io.hsepipeline.share.PipelineSettings;
import io.hsepipeline.share.ShareFolders;
import io.hsepipeline.status.DocumentState;
import io.hsepipeline.records.StatusRecord;

/**
 * Re-drives a FAILED document from the stage that failed, once its cause is fixed, the way {@code make replay}
 * does for one dead letter: the stage's input record goes back from {@code hse.dlt.<stage>} to the topic it came
 * from. Before that, a document that ended in {@code error/} is put back where the stage expects it: the PDF to
 * {@code processing/<id>.pdf}, its error sidecar into the journal as {@code failed-<n>} (the timeline keeps it),
 * and its result no longer ended. The journal entry {@code retry} says a retry is under way until its record is
 * sent, so a retry cut short is finished by the next one and two at once act once. A document that fails again
 * is FAILED again, with its new reason.
 * <p>
 * Stage {@code validate} has no input record to re-send: the HSE Genius batch finds its documents in the journal, so
 * the document is put back (PDF to processing/, result no longer ended) and the next batch run validates it again.
 * When HSE Genius has none of the upload's records any more (ValidateAgain: it never parsed the upload, or they
 * were removed there), the document is re-driven from the upload instead: the upload's journal entries are set
 * aside and its extracted record is sent again, so the upload stage makes a new upload.
 * <p>
 * Hypatos, told the transfer failed when the upload failed, is told of the success when the retried upload succeeds,
 * as after a first successful upload: what says it was told is set aside with the failure.
 */
@Component
public class DocumentRetry {

    /** Journal entry: the retry under way, {@code sent} once its record is on Kafka. */
    static final String RETRY_ENTRY = "retry";
    /** The HSE Genius batch stage: it reads its documents from the journal, not from a topic. */
    private static final String VALIDATE = "validate";
    /** Stages whose failure moves the PDF to error/: retried by putting it back and re-sending their input. */
    private static final Set<String> FILE_STAGES = Set.of("extract", "hsegenius", VALIDATE);
    /** Stages that fail a record after publication: the PDF stays in done/, the record is sent again. */
    private static final Set<String> RECORD_STAGES = Set.of("fourhse", "qehs");
    /**
     * Journal entries of the upload, set aside when a validate retry re-drives from the upload: the upload, its
     * attempt, the batch's progress, and the once-only key of its announcement (done-announce), so that the new
     * upload is announced.
     */
    private static final List<String> UPLOAD_ENTRIES = List.of(ValidateAgain.UPLOAD_ENTRY, JournalIdempotentRepository.entryOf("upload-attempt"),
            ValidateAgain.PROGRESS_ENTRY, JournalIdempotentRepository.entryOf("announce"));
    /** What says Hypatos was told of the transfer: the once-only key of the hypatos-transfer route's block. */
    private static final List<String> TRANSFER_TOLD = List.of(JournalIdempotentRepository.entryOf("hypatos-transfer"));
    private static final Duration KAFKA_WAIT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(DocumentRetry.class);

    private final StatusStore store;
    private final DocumentViews views;
    private final DocumentJournal journal;
    private final ShareFolders share;
    private final DocumentOutcomes outcomes;
    private final KafkaClients kafka;
    private final PipelineSettings.Topics topics;
    private final ProducerTemplate camel;
    private final CamelContext context;
    private final ValidateAgain validateAgain;

    public DocumentRetry(StatusStore store, DocumentViews views, DocumentJournal journal, ShareFolders share, DocumentOutcomes outcomes,
                         KafkaClients kafka, PipelineSettings settings, ProducerTemplate camel, CamelContext context,
                         ValidateAgain validateAgain) {
        this.store = store;
        this.views = views;
        this.journal = journal;
        this.share = share;
        this.outcomes = outcomes;
        this.kafka = kafka;
        this.topics = settings.topics();
        this.camel = camel;
        this.context = context;
        this.validateAgain = validateAgain;
    }

    /** Retries the document; returns the state it is back in. */
    public StatusRecord retry(String documentId) {
        StatusRecord latest = store.latest(documentId).orElseThrow(() -> new ApiProblem.NotFound(documentId));
        String stage = latest.state() == DocumentState.FAILED ? latest.stage() : views.deliveryFailure(documentId)
                .orElseThrow(() -> new ApiProblem.Conflict("Document " + documentId + " is " + latest.state()
                        + ", not FAILED: only a failed document can be retried."));
        if (!FILE_STAGES.contains(stage) && !RECORD_STAGES.contains(stage)) {
            throw new ApiProblem.Conflict("Document " + documentId + " failed at stage " + stage + ", which the API"
                    + " cannot re-drive; drop the PDF again under a new name, or see the README (Operations).");
        }
        boolean fromUpload = VALIDATE.equals(stage) && validateAgain.needsNewUpload(documentId);
        // looked up before anything moves: without its input record the stage cannot run again
        List<ConsumerRecord<String, String>> inputs = inputs(documentId, stage, fromUpload);
        journal.exclusively(documentId, () -> {
            prepare(documentId, stage, fromUpload);
            return null;
        });
        forgetCachedMappings();
        send(inputs, stage);
        journal.write(documentId, RETRY_ENTRY, Map.of("stage", stage, "requestedAt", Instant.now().toString(),
                "sent", true, "records", inputs.size(), "fromUpload", fromUpload));
        DocumentState back = switch (stage) {
            case "extract" -> DocumentState.RECEIVED;
            case "hsegenius" -> DocumentState.EXTRACTED;
            case VALIDATE -> fromUpload ? DocumentState.EXTRACTED : DocumentState.UPLOADED;
            default -> DocumentState.PUBLISHED;
        };
        StatusRecord status = outcomes.status(documentId, back.name(), "retry");
        camel.sendBody("direct:document-status", status);
        store.apply(status);
        LOG.info("Document {} ({}) retried from stage {}: {} record(s) sent again", documentId, latest.fileName(),
                stage, inputs.size());
        return status;
    }

    /**
     * The records the retry sends: the stage's dead letters; none for validate, whose batch reads the journal; the
     * extracted record when validate is re-driven from the upload.
     */
    private List<ConsumerRecord<String, String>> inputs(String documentId, String stage, boolean fromUpload) {
        if (VALIDATE.equals(stage) && !fromUpload) {
            return List.of();
        }
        String topic = fromUpload ? topics.extracted() : topics.deadLetter(stage);
        List<ConsumerRecord<String, String>> inputs = lastRecords(topic, record -> fromUpload
                ? documentId.equals(record.key()) : documentId.equals(header(record, "hse_document_id")));
        if (inputs.isEmpty()) {
            throw new ApiProblem.Conflict("Document " + documentId + " has no record on " + topic + " to re-send; it"
                    + " cannot be re-driven from stage " + (fromUpload ? "hsegenius" : stage) + ". Drop the PDF again"
                    + " under a new name.");
        }
        return inputs;
    }

    /** Puts the document back where the stage expects it; a retry cut short before sending is simply continued. */
    @SuppressWarnings("unchecked")
    private void prepare(String documentId, String stage, boolean fromUpload) {
        Map<String, Object> pending = journal.read(documentId, RETRY_ENTRY, Map.class).orElse(Map.of());
        Map<String, Object> result = new LinkedHashMap<>(journal.read(documentId, DocumentOutcomes.RESULT, Map.class)
                .orElseThrow(() -> new ApiProblem.Conflict("Document " + documentId + " has no result in its journal"
                        + " on this share; it cannot be retried here.")));
        Map<String, Object> fields = new LinkedHashMap<>((Map<String, Object>) result.getOrDefault("fields", Map.of()));
        // validate failing after its records went out keeps the PDF in processing/: the failure is the result's
        boolean failedAfterRelease = VALIDATE.equals(stage) && result.get("endedAs") == null
                && fields.get("failures") instanceof Map<?, ?> failures && failures.containsKey(stage);
        if (RECORD_STAGES.contains(stage) || failedAfterRelease) {
            Map<String, Object> failures = new LinkedHashMap<>((Map<String, Object>) fields.getOrDefault("failures", Map.of()));
            Object failure = failures.remove(stage);
            if (failure != null) {
                journal.write(documentId, nextFailedEntry(documentId), failure);
            }
            fields.put("failures", failures);
            result.put("fields", fields);
            journal.write(documentId, DocumentOutcomes.RESULT, result);
            journal.write(documentId, RETRY_ENTRY, Map.of("stage", stage, "sent", false));
            return;
        }
        if (!DocumentState.FAILED.name().equals(result.get("endedAs"))) {
            if (Boolean.FALSE.equals(pending.get("sent"))) {
                return;
            }
            throw new ApiProblem.Conflict("Document " + documentId + " is being retried already.");
        }
        Path pdf = Path.of(String.valueOf(result.get("file"))).toAbsolutePath().normalize();
        if (!pdf.startsWith(share.root()) || !Files.isRegularFile(pdf, LinkOption.NOFOLLOW_LINKS)) {
            throw new ApiProblem.Conflict("The PDF of document " + documentId + " is no longer at " + pdf
                    + "; put it back there (same bytes) and retry.");
        }
        Path sidecar = ShareFolders.sidecarOf(pdf, ".error.json");
        String failedEntry = nextFailedEntry(documentId);
        if (Files.isRegularFile(sidecar, LinkOption.NOFOLLOW_LINKS)) {
            journal.write(documentId, failedEntry, share.readJson(sidecar, Map.class));
        }
        journal.write(documentId, RETRY_ENTRY, Map.of("stage", stage, "sent", false));
        if ("extract".equals(stage)) {
            // the extract stage starts afresh: its journal entry of the failed attempt is kept under another name
            setAside(documentId, "extract", "extract-" + failedEntry);
        }
        if (fromUpload) {
            // the upload stage starts afresh, without looking for the old upload: HSE Genius cannot parse it
            UPLOAD_ENTRIES.forEach(entry -> setAside(documentId, entry, entry + "-" + failedEntry));
        }
        if ("hsegenius".equals(stage)) {
            // the failed upload told Hypatos the transfer failed: the retried upload tells it of the success
            TRANSFER_TOLD.forEach(entry -> setAside(documentId, entry, entry + "-" + failedEntry));
        }
        share.moveTo(pdf, share.processingPdf(documentId));
        if (Files.exists(sidecar, LinkOption.NOFOLLOW_LINKS)) {
            share.moveTo(sidecar, journalFile(documentId, failedEntry + ".error.json"));
        }
        result.put("endedAs", null);
        result.put("file", null);
        journal.write(documentId, DocumentOutcomes.RESULT, result);
    }

    /**
     * A retry follows a fix, often of a mapping in routes/mappings: the jsonata endpoints keep a file's content once
     * read, so they read it again from now on.
     */
    private void forgetCachedMappings() {
        context.getEndpoints().stream().filter(ResourceEndpoint.class::isInstance)
                .forEach(endpoint -> ((ResourceEndpoint) endpoint).clearContentCache());
    }

    private String nextFailedEntry(String documentId) {
        int n = 1;
        while (journal.has(documentId, DocumentViews.FAILED_ENTRY + n)) {
            n++;
        }
        return DocumentViews.FAILED_ENTRY + n;
    }

    private void setAside(String documentId, String entry, String as) {
        Path from = journalFile(documentId, entry + ".json");
        if (Files.exists(from)) {
            share.moveTo(from, journalFile(documentId, as + ".json"));
        }
    }

    private Path journalFile(String documentId, String name) {
        return share.root().resolve(".hse").resolve(documentId).resolve(name);
    }

    /** The records of the topic that match, the last one per key (the document, or each of its records), as they are now. */
    private List<ConsumerRecord<String, String>> lastRecords(String topic, Predicate<ConsumerRecord<String, String>> match) {
        Map<String, ConsumerRecord<String, String>> last = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = kafka.consumer("hse-retry-" + UUID.randomUUID())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    if (match.test(record)) {
                        last.remove(record.key());
                        last.put(record.key(), record);
                    }
                }
            }
        }
        return new ArrayList<>(last.values());
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private void send(List<ConsumerRecord<String, String>> deadLetters, String stage) {
        try (KafkaProducer<String, String> producer = kafka.producer("hse-retry-" + UUID.randomUUID())) {
            for (ConsumerRecord<String, String> dead : deadLetters) {
                // a dead letter goes back where it came from; any other record (the extracted one) to its own topic
                String original = header(dead, "hse_original_topic");
                String topic = !dead.topic().startsWith(topics.deadLetterPrefix()) ? dead.topic()
                        : original == null ? "" : original;
                if (topic.isBlank() && "extract".equals(stage)) {
                    // the Hypatos poller's dead letters were never consumed from a topic: theirs is the received one
                    topic = topics.received();
                }
                if (topic.isBlank()) {
                    throw new IllegalStateException(dead.topic() + "@" + dead.offset() + " names no original topic");
                }
                ProducerRecord<String, String> again = new ProducerRecord<>(topic, dead.key(), dead.value());
                for (Header header : dead.headers()) {
                    if (!header.key().startsWith("hse_")) {
                        again.headers().add(header);
                    }
                }
                producer.send(again).get(KAFKA_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the retried record: " + e.getMessage()
                    + "; retry again once Kafka is reachable.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending the retried record", e);
        }
    }
}
