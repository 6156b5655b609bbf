package io.hsepipeline.sandbox.qehs;

/** One entry of a QEHS problem's errors[]: where, what, and a machine-readable code. */
record FieldError(String path, String message, String code) {
}
