package io.patchbay.executor.worker.apply;

/**
 * The forward part of a {@code GIT binary patch}: either the whole new content ({@code literal}) or
 * a git delta against the old content ({@code delta}), already decoded and inflated.
 */
record BinaryHunk(boolean delta, byte[] data) {}
