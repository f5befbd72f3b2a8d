package io.patchbay.contracts.event;

/**
 * One reason the contract refuses a patch: a stable machine-readable code, the path or field it is
 * about (may be null), and a sentence a person understands.
 */
public record Violation(String code, String subject, String message) {}
