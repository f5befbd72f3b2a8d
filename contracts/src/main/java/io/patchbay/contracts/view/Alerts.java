package io.patchbay.contracts.view;

/** The kinds of {@link Alert} on {@code patchbay.alerts}. */
public final class Alerts {

    /** An SLA limit started being exceeded; open until an SlaRecovered for the same limit. */
    public static final String SLA_BREACHED = "SlaBreached";
    /** An SLA limit is back within bounds. */
    public static final String SLA_RECOVERED = "SlaRecovered";
    /** A patch has been in flight longer than the contract's run time. */
    public static final String STUCK = "Stuck";
    /** A workspace differs from what the log says it should be; the domain is frozen. */
    public static final String DRIFT_FOUND = "DriftFound";
    /** An operator unfroze a domain. */
    public static final String UNFROZEN = "Unfrozen";
    /** An edited execution contract that could not be used; the previous one stays in force. */
    public static final String CONTRACT_INVALID = "ContractInvalid";
    /** The domain of alerts about the whole installation rather than one domain. */
    public static final String ALL_DOMAINS = "*";

    private Alerts() {}

    /** The limit's name without its value: {@code sla.queueDepth} of {@code sla.queueDepth=50}. */
    public static String limitName(String limit) {
        if (limit == null) {
            return "";
        }
        int eq = limit.indexOf('=');
        return eq < 0 ? limit : limit.substring(0, eq);
    }
}
