package io.hsepipeline.api;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.outcome.DocumentOutcomes;
import io.hsepipeline.share.ShareFolders;
import io.hsepipeline.status.DocumentState;
import io.hsepipeline.records.StatusRecord;

/**
 * What the API shows of a document: its states from {@link StatusStore}, completed from the document's journal
 * on the share ({@code .hse/<id>/}), which compaction never touches: the receipt, the result with the ids at
 * every service, publication and completion times, and each failure a retry set aside ({@code failed-<n>}).
 */
@Component
public class DocumentViews {

    /** Journal entry prefix of a failure a retry set aside: the error sidecar as it was. */
    static final String FAILED_ENTRY = "failed-";
    private static final Duration SAME_EVENT = Duration.ofMinutes(1);
    private static final List<String> SERVICES = List.of("hypatos", "hsegenius", "fourhse", "qehs");
    private static final List<String> DELIVERY_STAGES = List.of("fourhse", "qehs");

    private final StatusStore store;
    private final DocumentJournal journal;
    private final ShareFolders share;

    public DocumentViews(StatusStore store, DocumentJournal journal, ShareFolders share) {
        this.store = store;
        this.journal = journal;
        this.share = share;
    }

    public Optional<Detail> detail(String documentId) {
        if (!isDocumentId(documentId)) {
            return Optional.empty();
        }
        Map<String, Object> received = journalEntry(documentId, "received");
        List<StatusRecord> history = store.history(documentId);
        if (history.isEmpty() && received != null) {
            // ended long ago, the store forgot it: its states still on the topic
            history = store.recall(documentId);
        }
        Optional<StatusRecord> latest = history.isEmpty() ? Optional.empty()
                : Optional.of(shown(history.get(history.size() - 1)));
        if (latest.isEmpty() && received == null) {
            return Optional.empty();
        }
        Map<String, Object> result = journalEntry(documentId, DocumentOutcomes.RESULT);
        Map<String, Object> fields = result == null ? Map.of() : map(result.get("fields"));
        List<TimelineEntry> timeline = timeline(documentId, history, received, fields);
        TimelineEntry last = timeline.isEmpty() ? null : timeline.get(timeline.size() - 1);
        StatusRecord now = latest.orElse(null);
        Map<String, Object> ids = new LinkedHashMap<>();
        for (String service : SERVICES) {
            if (fields.get(service) instanceof Map<?, ?> found) {
                ids.put(service, found);
            }
        }
        String fileName = now != null ? now.fileName() : text(received, "fileName");
        String folder = now != null ? now.watchedFolder() : text(received, "watchedFolder");
        String state = now != null ? now.state().name() : last == null ? null : last.state();
        return Optional.of(new Detail(documentId, fileName, folder, text(received, "subfolder"), state,
                now != null ? now.stage() : last == null ? null : last.stage(),
                now != null ? now.time() : last == null ? null : last.time(),
                now != null ? now.reason() : null, now != null ? now.detail() : null,
                location(result), ids, fields.get("eerCodes"), fields.get("hpCodes"),
                sidecar(documentId).isPresent() ? "/api/documents/" + documentId + "/sidecar" : null,
                DocumentState.FAILED.name().equals(state)
                        || !DocumentState.DONE.name().equals(state) && deliveryFailure(documentId).isPresent(), timeline));
    }

    /**
     * The delivery stage (fourhse, qehs) whose failure the document's result holds, while it is not DONE: the other
     * delivery stage may have written its DELIVERED after that stage's FAILED, so the latest state can hide it.
     */
    @SuppressWarnings("unchecked")
    public Optional<String> deliveryFailure(String documentId) {
        if (!isDocumentId(documentId) || store.latest(documentId).map(s -> s.state() == DocumentState.DONE).orElse(false)) {
            return Optional.empty();
        }
        Map<String, Object> result = journalEntry(documentId, DocumentOutcomes.RESULT);
        Map<String, Object> fields = result == null ? null : map(result.get("fields"));
        Map<String, Object> failures = fields == null ? null : map(fields.get("failures"));
        return failures == null ? Optional.empty()
                : failures.keySet().stream().filter(DELIVERY_STAGES::contains).findFirst();
    }

    /**
     * The state to show: the latest, unless it is one delivery stage's DELIVERED while the other delivery stage's
     * failure is in the result. Then the document is shown FAILED at that stage, with its reason, so that the list,
     * its state filter and the counts do not hide a document waiting for a retry.
     */
    @SuppressWarnings("unchecked")
    StatusRecord shown(StatusRecord latest) {
        if (latest.state() != DocumentState.DELIVERED) {
            return latest;
        }
        Map<String, Object> result = journalEntry(latest.documentId(), DocumentOutcomes.RESULT);
        Map<String, Object> fields = result == null ? null : map(result.get("fields"));
        Map<String, Object> failures = fields == null ? null : map(fields.get("failures"));
        if (failures == null) {
            return latest;
        }
        return DELIVERY_STAGES.stream().filter(failures::containsKey).findFirst()
                .map(stage -> {
                    Map<String, Object> failure = map(failures.get(stage));
                    return new StatusRecord(latest.documentId(), DocumentState.FAILED, stage, latest.fileName(),
                            latest.watchedFolder(), latest.time(), text(failure, "reason"), text(failure, "detail"));
                })
                .orElse(latest);
    }

    /**
     * Each document's latest state, the most recent first, filtered; null filters match everything. Documents the
     * store forgot (ended before the last hse.api.ended-documents-in-memory) are not listed.
     */
    public List<Summary> list(DocumentState state, Instant since, String folder) {
        return store.latestOfAll().stream()
                .map(this::shown)
                .filter(s -> state == null || s.state() == state)
                .filter(s -> folder == null || folder.equals(s.watchedFolder()))
                .filter(s -> since == null || (s.time() != null && !Instant.parse(s.time()).isBefore(since)))
                .map(s -> new Summary(s.documentId(), s.fileName(), s.watchedFolder(), s.state().name(), s.stage(),
                        s.time(), s.reason()))
                .toList();
    }

    /** Documents per state, those the store forgot included. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<DocumentState, Long> forgotten = store.forgottenCounts();
        for (DocumentState state : DocumentState.values()) {
            counts.put(state.name(), forgotten.getOrDefault(state, 0L));
        }
        store.latestOfAll().forEach(s -> counts.merge(shown(s).state().name(), 1L, Long::sum));
        return counts;
    }

    /**
     * The sidecar of where the document ended ({@code done/<name>.result.json}, {@code error/<name>.error.json}),
     * only ever a regular file inside the share.
     */
    public Optional<Path> sidecar(String documentId) {
        if (!isDocumentId(documentId)) {
            return Optional.empty();
        }
        Map<String, Object> result = journalEntry(documentId, DocumentOutcomes.RESULT);
        if (result == null || !(result.get("file") instanceof String file) || result.get("endedAs") == null) {
            return Optional.empty();
        }
        String suffix = DocumentState.FAILED.name().equals(result.get("endedAs")) ? ".error.json" : ".result.json";
        Path sidecar = ShareFolders.sidecarOf(Path.of(file), suffix).toAbsolutePath().normalize();
        if (!sidecar.startsWith(share.root()) || !Files.isRegularFile(sidecar, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(sidecar);
    }

    static boolean isDocumentId(String id) {
        return id != null && id.matches("[0-9a-f]{64}");
    }

    private List<TimelineEntry> timeline(String documentId, List<StatusRecord> history, Map<String, Object> received,
                                         Map<String, Object> fields) {
        List<TimelineEntry> entries = new ArrayList<>();
        for (StatusRecord s : history) {
            entries.add(new TimelineEntry(s.state().name(), s.stage(), s.time(), s.reason(), s.detail(), "status"));
        }
        // what the journal proves, for states compaction may have removed from the topic
        if (received != null) {
            addFromJournal(entries, new TimelineEntry("RECEIVED", "intake", text(received, "receivedAt"), null, null, "journal"));
        }
        if (fields.get(DocumentOutcomes.PUBLISHED_AT) instanceof String at) {
            addFromJournal(entries, new TimelineEntry("PUBLISHED", "validate", at, null, null, "journal"));
        }
        if (fields.get("completedAt") instanceof String at) {
            addFromJournal(entries, new TimelineEntry("DONE", "delivery", at, null, null, "journal"));
        }
        for (int n = 1; journal.has(documentId, FAILED_ENTRY + n); n++) {
            Map<String, Object> failed = journalEntry(documentId, FAILED_ENTRY + n);
            addFromJournal(entries, new TimelineEntry("FAILED", text(failed, "stage"), text(failed, "time"),
                    text(failed, "reason"), text(failed, "detail"), "journal"));
        }
        if (fields.get("failures") instanceof Map<?, ?> failures) {
            failures.values().forEach(f -> {
                Map<String, Object> failure = map(f);
                addFromJournal(entries, new TimelineEntry("FAILED", text(failure, "stage"), text(failure, "time"),
                        text(failure, "reason"), text(failure, "detail"), "journal"));
            });
        }
        entries.sort(Comparator.comparing(TimelineEntry::time, Comparator.nullsLast(Comparator.naturalOrder())));
        return entries;
    }

    private static void addFromJournal(List<TimelineEntry> entries, TimelineEntry entry) {
        if (entry.time() == null) {
            return;
        }
        Instant at = Instant.parse(entry.time());
        boolean known = entries.stream().anyMatch(e -> e.state().equals(entry.state()) && e.time() != null
                && Duration.between(Instant.parse(e.time()), at).abs().compareTo(SAME_EVENT) < 0);
        if (!known) {
            entries.add(entry);
        }
    }

    private Map<String, Object> location(Map<String, Object> result) {
        if (result == null || !(result.get("file") instanceof String file) || result.get("endedAs") == null) {
            return null;
        }
        Path path = Path.of(file).toAbsolutePath().normalize();
        if (!path.startsWith(share.root())) {
            return null;
        }
        Map<String, Object> location = new LinkedHashMap<>();
        location.put("path", share.root().relativize(path).toString().replace(java.io.File.separatorChar, '/'));
        location.put("present", Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        return location;
    }

    private Map<String, Object> journalEntry(String documentId, String entry) {
        return map(journal.read(documentId, entry, Map.class).orElse(null));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    private static String text(Map<String, Object> map, String key) {
        return map != null && map.get(key) != null ? String.valueOf(map.get(key)) : null;
    }

    /** One line of the page's list. */
    public record Summary(String documentId, String fileName, String watchedFolder, String state, String stage,
                          String time, @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {
    }

    /** One state of a document: from the status topic ({@code status}) or proved by its journal ({@code journal}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TimelineEntry(String state, String stage, String time, String reason, String detail, String source) {
    }

    /**
     * A document: where it is now, its ids at each service, and its timeline.
     *
     * @param location where the PDF ended, relative to the share, once it left processing/
     * @param sidecar  the API path of its done/ or error/ sidecar, when there is one
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(String documentId, String fileName, String watchedFolder, String subfolder, String state,
                         String stage, String time, String reason, String detail, Map<String, Object> location,
                         Map<String, Object> ids, Object eerCodes, Object hpCodes, String sidecar,
                         boolean retryable, List<TimelineEntry> timeline) {
    }
}
