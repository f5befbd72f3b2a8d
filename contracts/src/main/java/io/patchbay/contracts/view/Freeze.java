package io.patchbay.contracts.view;

import java.time.Instant;

/**
 * Why a domain is frozen: the DriftFound event that froze it. New patches of the domain wait until
 * an operator unfreezes it (DomainUnfrozen).
 *
 * @param since when the drift was found
 * @param seq the DriftFound event's position in the domain's chain
 * @param expectedCommit the commit the log says HEAD should be at
 * @param actualCommit the commit HEAD was found at
 * @param detail what differs, for the person deciding between adopt and reset
 */
public record Freeze(String domain, Instant since, long seq, String expectedCommit, String actualCommit, String detail) {}
