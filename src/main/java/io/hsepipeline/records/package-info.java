/**
 * The records the pipeline writes to its topics, one class per schema in {@code schemas/}:
 * <ul>
 * <li>{@link io.hsepipeline.records.ReceivedDocument}: {@code hse.documents.received.schema.json}</li>
 * <li>{@link io.hsepipeline.records.ExtractedDocument}: {@code hse.documents.extracted.schema.json}</li>
 * <li>{@link io.hsepipeline.records.UploadedDocument}: {@code hse.documents.uploaded.schema.json}</li>
 * <li>{@link io.hsepipeline.records.ValidatedRecord}: {@code hse.records.validated.schema.json}</li>
 * <li>{@link io.hsepipeline.records.StatusRecord}: {@code hse.documents.status.schema.json}</li>
 * </ul>
 * A field added here is added to its schema too ({@code TopicSchemas} checks the records the tests see).
 */
package io.hsepipeline.records;
