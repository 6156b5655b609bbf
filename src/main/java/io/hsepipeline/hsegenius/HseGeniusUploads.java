package io.hsepipeline.hsegenius;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.hsepipeline.intake.IntakeService;
import io.hsepipeline.records.ReceivedDocument;
import io.hsepipeline.journal.DocumentJournal;
import io.hsepipeline.outcome.DocumentOutcomes;
import io.hsepipeline.share.ShareFolders;
import io.hsepipeline.records.UploadedDocument;

/**
 * The steps of the hsegenius-upload route (routes/30-hsegenius.camel.yaml): the multipart upload, what the
 * journal keeps of it, and the record that announces it. A document is uploaded as {@code <documentId>.pdf},
 * so that an upload a kill left unjournaled is found again in Upload instead of being made twice.
 */
@Component
public class HseGeniusUploads {

    static final String ENTRY = "hsegenius";

    private final DocumentJournal journal;
    private final ShareFolders share;
    private final DocumentOutcomes outcomes;
    private final HseGeniusNames names;

    public HseGeniusUploads(DocumentJournal journal, ShareFolders share, DocumentOutcomes outcomes, HseGeniusNames names) {
        this.journal = journal;
        this.share = share;
        this.outcomes = outcomes;
        this.names = names;
    }

    /**
     * Takes over an upload of this document that HSE Genius has already, if there is one, and returns the record
     * that announces it (null when there is none). Looked at only after an attempt whose answer was lost (a retry,
     * or a restart). Upload (uploads) lists pending uploads only; one that a batch run confirmed meanwhile is found
     * among the parsed records (parsed) by its file name, whose upload field (HSEGENIUS_RECORD_UPLOAD_FIELD) names
     * the upload.
     */
    public UploadedDocument adopt(String documentId, JsonNode uploads, JsonNode parsed, JsonNode mapping, JsonNode extracted) {
        for (JsonNode upload : uploads) {
            if (filename(documentId).equals(upload.path("filename").asText())) {
                return uploaded(documentId, upload, mapping, extracted, false);
            }
        }
        for (JsonNode record : parsed) {
            JsonNode upload = record.path(names.recordUploadField());
            if (filename(documentId).equals(record.path("filename").asText()) && upload.isValueNode()) {
                return uploaded(documentId, JsonNodeFactory.instance.objectNode()
                        .put("id", upload.asText()), mapping, extracted, true);
            }
        }
        return null;
    }

    /** The multipart body HSE Genius takes: pdf, title and comma-separated six-digit EER codes. */
    public HttpEntity form(String documentId, JsonNode mapping) {
        Path pdf = share.processingPdf(documentId);
        if (!Files.exists(pdf)) {
            throw new IllegalStateException("The PDF of document " + documentId + " is no longer in processing/ (" + pdf + ")");
        }
        MultipartEntityBuilder form = MultipartEntityBuilder.create()
                .addBinaryBody("pdf", share.regularFile(pdf).toFile(), ContentType.create("application/pdf"), filename(documentId))
                .addTextBody("title", mapping.path("title").asText(), ContentType.TEXT_PLAIN.withCharset("UTF-8"));
        String codes = mapping.path("eer_codes").asText("");
        if (!codes.isBlank()) {
            form.addTextBody("eer_codes", codes);
        }
        return form.build();
    }

    /** Journals the upload HSE Genius answered with, and returns the record that announces it. */
    public UploadedDocument uploaded(String documentId, JsonNode response, JsonNode mapping, JsonNode extracted) {
        return uploaded(documentId, response, mapping, extracted, false);
    }

    private UploadedDocument uploaded(String documentId, JsonNode response, JsonNode mapping, JsonNode extracted, boolean confirmed) {
        String codes = mapping.path("eer_codes").asText("");
        List<String> eerCodes = codes.isBlank() ? List.of() : Arrays.stream(codes.split(",")).map(String::trim).toList();
        HseGeniusUpload upload = new HseGeniusUpload(response.path("id").asText(), filename(documentId),
                mapping.path("title").asText(), eerCodes, text(extracted, "hypatosDocumentId"),
                text(extracted, "hypatosFileId"), text(extracted.path("entities"), "productName"),
                Instant.now().toString(), confirmed);
        journal.write(documentId, ENTRY, upload);
        outcomes.addResult(documentId, Map.of("hsegenius", Map.of("uploadId", upload.uploadId(), "title", upload.title()),
                "eerCodes", new ArrayList<>(eerCodes)));
        return announcement(documentId, upload);
    }

    /** The record that announces the document's upload, or null while it is not uploaded (journaled). */
    public UploadedDocument announcement(String documentId) {
        return journal.read(documentId, ENTRY, HseGeniusUpload.class).map(upload -> announcement(documentId, upload))
                .orElse(null);
    }

    private UploadedDocument announcement(String documentId, HseGeniusUpload upload) {
        ReceivedDocument received = journal.require(documentId, IntakeService.RECEIVED, ReceivedDocument.class);
        return new UploadedDocument(documentId, received.fileName(), received.watchedFolder(), upload.uploadId(),
                upload.title(), upload.eerCodes(), upload.hypatosDocumentId(), upload.uploadedAt());
    }

    /**
     * The request for direct:hypatos-transfer: whether HSE Genius took the document. The Hypatos id comes from
     * the upload's journal entry or, when the upload never happened, from the document's result.
     */
    public Map<String, Object> transfer(String documentId, boolean successful, String message) {
        String hypatosId = journal.read(documentId, ENTRY, HseGeniusUpload.class).map(HseGeniusUpload::hypatosDocumentId)
                .orElseGet(() -> outcomes.fields(documentId).get("hypatos") instanceof Map<?, ?> hypatos
                        && hypatos.get("documentId") != null ? hypatos.get("documentId").toString() : null);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("documentId", documentId);
        request.put("hypatosDocumentId", hypatosId);
        request.put("successful", successful);
        if (message != null) {
            request.put("message", message.length() > 500 ? message.substring(0, 500) : message);
        }
        return request;
    }

    /** Hypatos could not be told: the document goes on, and its result says so. */
    public void transferNotTold(String documentId, Exception failure) {
        outcomes.addResult(documentId, Map.of("hypatos", Map.of("transferFailure", String.valueOf(failure.getMessage()))));
    }

    HseGeniusUpload upload(String documentId) {
        return journal.require(documentId, ENTRY, HseGeniusUpload.class);
    }

    static String filename(String documentId) {
        return documentId + ".pdf";
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }
}
