package io.hsepipeline.sandbox.inspect;

import java.util.List;

/** One request a stand-in received and how it answered; status 0 means it never answered (timeout fault). */
public record RecordedCall(long seq, String at, String method, String path, String query, String contentType,
                           int requestBytes, String client, int status, long millis, List<String> violations) {
}
