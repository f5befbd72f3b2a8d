package io.patchbay.contracts.diff;

/**
 * The forward part of a {@code GIT binary patch}: either the whole new content ({@code literal}) or
 * a git delta against the old content ({@code delta}), already decoded and inflated.
 */
public record BinaryHunk(boolean delta, byte[] data) {}
