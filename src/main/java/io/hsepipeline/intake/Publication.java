package io.hsepipeline.intake;

/**
 * A received document to publish, and which of its records still have to go out: both for a new file,
 * only the missing ones for a file found in {@code processing/} after a crash.
 */
public record Publication(ReceivedDocument document, boolean sendReceived, boolean sendStatus) {
}
