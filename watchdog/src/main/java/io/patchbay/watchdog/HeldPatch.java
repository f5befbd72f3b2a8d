package io.patchbay.watchdog;

import io.patchbay.contracts.view.PatchView;

/** A quarantined patch with the epoch millis since it has been held: the order quarantine lists follow. */
record HeldPatch(long since, PatchView patch) {}
