package io.patchbay.contracts.view;

import java.util.List;
import java.util.Optional;

/**
 * Read access to the watchdog's views. The watchdog implements it, health and the read API use
 * it; they meet here so that neither imports the other.
 */
public interface Views {

    Optional<PatchView> patch(String id);

    List<DomainView> domains();

    /** Patches of a domain (or of every domain when {@code domain} is null), newest first. */
    List<PatchView> patches(String domain, PatchStatus status, int limit);

    /** Whether the views are being served (the watchdog's Streams instance is running). */
    boolean ready();
}
