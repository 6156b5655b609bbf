package io.hsepipeline.api;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.hsepipeline.status.DocumentState;
import io.hsepipeline.records.StatusRecord;

/** The document status API on the application port; described by /openapi.yaml. */
@RestController
@RequestMapping(path = "/api/documents", produces = MediaType.APPLICATION_JSON_VALUE)
public class DocumentsController {

    private static final int MAX_SIZE = 500;

    private final DocumentViews views;
    private final DocumentRetry retry;
    private final RetryGuard guard;
    private final StatusStore store;

    public DocumentsController(DocumentViews views, DocumentRetry retry, RetryGuard guard, StatusStore store) {
        this.views = views;
        this.retry = retry;
        this.guard = guard;
        this.store = store;
    }

    @GetMapping
    public Page list(@RequestParam(required = false) String state, @RequestParam(required = false) String since,
                     @RequestParam(required = false) String folder, @RequestParam(defaultValue = "0") int page,
                     @RequestParam(defaultValue = "50") int size) {
        if (page < 0 || size < 1 || size > MAX_SIZE) {
            throw new ApiProblem.BadRequest("page starts at 0 and size is between 1 and " + MAX_SIZE + ".");
        }
        List<DocumentViews.Summary> all = views.list(state(state), since(since), folder == null || folder.isBlank() ? null : folder);
        int from = (int) Math.min((long) page * size, all.size());
        return new Page(all.subList(from, Math.min(from + size, all.size())), page, size, all.size(),
                views.counts(), store.caughtUp());
    }

    @GetMapping("/{id}")
    public DocumentViews.Detail get(@PathVariable String id) {
        return views.detail(id).orElseThrow(() -> new ApiProblem.NotFound(id));
    }

    @GetMapping("/{id}/sidecar")
    public ResponseEntity<Resource> sidecar(@PathVariable String id) {
        views.detail(id).orElseThrow(() -> new ApiProblem.NotFound(id));
        Path sidecar = views.sidecar(id).orElseThrow(() -> new ApiProblem.NotFound(id + "'s sidecar (it has none yet)"));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new FileSystemResource(sidecar));
    }

    @PostMapping("/{id}/retry")
    public ResponseEntity<StatusRecord> retry(@PathVariable String id, HttpServletRequest request) {
        guard.check(request);
        if (!DocumentViews.isDocumentId(id)) {
            throw new ApiProblem.NotFound(id);
        }
        return ResponseEntity.accepted().body(retry.retry(id));
    }

    private static DocumentState state(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return DocumentState.valueOf(state.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiProblem.BadRequest("Unknown state '" + state + "'; use one of " + List.of(DocumentState.values()) + ".");
        }
    }

    private static Instant since(String since) {
        if (since == null || since.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(since.trim());
        } catch (DateTimeParseException e) {
            throw new ApiProblem.BadRequest("since is an ISO-8601 UTC time such as 2026-12-02T06:00:00Z, not '" + since + "'.");
        }
    }

    /**
     * One page of documents, the most recent first.
     *
     * @param counts   documents per state, of all documents (not only this page's)
     * @param complete false while the status topic is still being read after a start
     */
    public record Page(List<DocumentViews.Summary> items, int page, int size, int total, Map<String, Long> counts,
                       boolean complete) {
    }
}
