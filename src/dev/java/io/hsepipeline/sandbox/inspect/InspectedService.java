package io.hsepipeline.sandbox.inspect;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.function.Supplier;

/** What the inspection endpoints can see and clear of one stand-in. */
public record InspectedService(CallLog calls, ServiceStats stats, Supplier<JsonNode> entities, Runnable reset) {
}
