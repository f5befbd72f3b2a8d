package io.patchbay.app;

/** The services one patchbay process can run; {@code up} runs them all. */
public enum Role {
    /** The decider and the worker. */
    EXECUTOR,
    /** The views over the event log, with health and the read API on HTTP. */
    WATCHDOG,
    /** The HTTP inbox and the spool watcher. */
    INGEST
}
