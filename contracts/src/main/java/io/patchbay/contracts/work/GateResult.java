package io.patchbay.contracts.work;

/** The outcome of one gate, as reported by the worker and kept in the summary. */
public record GateResult(String name, boolean passed, int exitCode, long durationMs, String outputTail) {}
