package io.hsepipeline.fourhse;

import java.io.IOException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.delivery.Deliveries;
import io.hsepipeline.delivery.NameBasedIds;
import io.hsepipeline.records.ValidatedRecord;
import io.hsepipeline.failure.ServiceFailure;
import io.hsepipeline.share.PipelineSettings.FourhseTarget;

/**
 * The steps of routes/50-fourhse.camel.yaml for one validated record: a certificate
 * whose id is the UUIDv5 of the record id, its action link, and the PDF attached, each with an id derived from
 * the record so that a repeated call meets what an earlier attempt made.
 */
@Component
public class FourHseCertificates {

    private static final String SERVICE = Deliveries.FOURHSE;

    private final FourHseSettings settings;
    private final Deliveries deliveries;
    private final ObjectMapper json;

    public FourHseCertificates(FourHseSettings settings, Deliveries deliveries, ObjectMapper json) {
        this.settings = settings;
        this.deliveries = deliveries;
        this.json = json;
    }

    /**
     * The record's ids at 4HSE: from the journal, or derived now (in the project found by the route) and journaled
     * before the first call.
     */
    public FourHseDelivery start(ValidatedRecord record, String projectId) {
        return deliveries.state(SERVICE, record, FourHseDelivery.class).map(FourHseDelivery::withLinkIds)
                .orElseGet(() -> {
                    String certificateId = NameBasedIds.of(record.recordId());
                    String actionId = blankToNull(target(record).actionId());
                    String path = "/projects/" + projectId + "/hse-pipeline/" + certificateId + "/"
                            + safeFileName(record.fileName());
                    return deliveries.save(SERVICE, record,
                            FourHseDelivery.derived(record.recordId(), certificateId, projectId, actionId, path));
                });
    }

    /** The mapping's input: the record, the folder's 4HSE target and the certificate's ids and dates. */
    public JsonNode certificateInput(ValidatedRecord record, FourHseDelivery delivery) {
        FourhseTarget target = target(record);
        if (blankToNull(target.resourceId()) == null) {
            throw new ServiceFailure(SERVICE, "no-resource", "Watched folder '" + record.watchedFolder()
                    + "' names no 4HSE resource for certificates, and FOURHSE_RESOURCE_ID is not set",
                    "Set fourhse.resource-id on the watched folder (or FOURHSE_RESOURCE_ID), then replay the dead letter.");
        }
        LocalDate released = releaseDate(record);
        Map<String, Object> certificate = new LinkedHashMap<>();
        certificate.put("id", delivery.certificateId());
        certificate.put("tenantId", delivery.tenantId());
        certificate.put("dateRelease", released.toString());
        certificate.put("dateExpire", expiry(released).toString());
        certificate.put("validity", settings.validity());
        certificate.put("validityUnit", settings.validityUnit());
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("record", record);
        input.put("folder", target);
        input.put("certificate", certificate);
        return json.valueToTree(input);
    }

    /** The source PDF as 4HSE's multipart attachment, replacing what an interrupted attempt may have left. */
    public HttpEntity attachmentForm(ValidatedRecord record, FourHseDelivery delivery) throws IOException {
        String path = delivery.attachmentPath();
        return MultipartEntityBuilder.create()
                .addTextBody("path", path)
                .addTextBody("replace", "1")
                .addPart("file", deliveries.pdfBody(record, path.substring(path.lastIndexOf('/') + 1)))
                .build();
    }

    /** Every step done: the record is delivered, and the document's result names the certificate. */
    public void delivered(ValidatedRecord record, FourHseDelivery delivery) {
        Map<String, Object> ids = new LinkedHashMap<>();
        ids.put("certificateId", delivery.certificateId());
        ids.put("projectId", delivery.tenantId());
        ids.put("actionId", delivery.actionId());
        ids.put("attachmentPath", delivery.attachmentPath());
        deliveries.addIds(SERVICE, record, ids);
        deliveries.save(SERVICE, record, delivery.delivered(OffsetDateTime.now(ZoneOffset.UTC).toString()));
    }

    /** The folder's 4HSE target, each part falling back to the hse.fourhse default. */
    FourhseTarget target(ValidatedRecord record) {
        FourhseTarget folder = deliveries.folder(record).map(f -> f.fourhse()).orElse(null);
        return new FourhseTarget(
                firstSet(folder == null ? null : folder.resourceId(), settings.resourceId()),
                firstSet(folder == null ? null : folder.actionId(), settings.actionId()),
                firstSet(folder == null ? null : folder.actionType(), settings.actionType()));
    }

    private LocalDate releaseDate(ValidatedRecord record) {
        try {
            return OffsetDateTime.parse(record.validatedAt()).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
        } catch (DateTimeParseException | NullPointerException e) {
            throw new ServiceFailure("pipeline", "invalid-record", "validatedAt '" + record.validatedAt()
                    + "' of record " + record.recordId() + " is not an ISO-8601 date-time", "Fix the publishing stage.");
        }
    }

    private LocalDate expiry(LocalDate released) {
        return switch (settings.validityUnit()) {
            case "DAY" -> released.plusDays(settings.validity());
            case "MONTH" -> released.plusMonths(settings.validity());
            default -> released.plusYears(settings.validity());
        };
    }

    private static String safeFileName(String name) {
        String cleaned = name == null ? "" : name.replaceAll("[^A-Za-z0-9._ -]", "_").trim();
        return cleaned.isEmpty() ? "document.pdf" : cleaned;
    }

    private static String firstSet(String value, String fallback) {
        return blankToNull(value) != null ? value : blankToNull(fallback);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
