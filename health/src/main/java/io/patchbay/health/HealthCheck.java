package io.patchbay.health;

import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.Durations;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Alerts;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.Views;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges patchbay's health from the services' states and the watchdog's views, never from
 * counters of the ingest side: the views are what the event log says happened.
 */
final class HealthCheck {

    private static final Logger log = LoggerFactory.getLogger(HealthCheck.class);

    /** The service name under which the app reports whether Kafka answers. */
    static final String KAFKA = "kafka";

    private HealthCheck() {}

    static HealthReport evaluate(Views views, ExecutionContract contract, Map<String, BooleanSupplier> services,
            Instant now) {
        return evaluate(views, contract, services, Map.of(), Map.of(), now);
    }

    /**
     * @param degradable parts patches do not need (Slack): a reason makes patchbay degraded, never unhealthy
     * @param progress service → whether its input is being processed: a stall makes patchbay unhealthy
     */
    static HealthReport evaluate(Views views, ExecutionContract contract, Map<String, BooleanSupplier> services,
            Map<String, java.util.function.Supplier<Optional<String>>> degradable,
            Map<String, java.util.function.Supplier<ServiceProgress>> progress, Instant now) {
        var reasons = new ArrayList<String>();
        boolean down = false;
        boolean degraded = false;

        Map<String, Boolean> states = serviceStates(services);
        for (Map.Entry<String, Boolean> s : states.entrySet()) {
            if (!s.getValue()) {
                down = true;
                reasons.add(KAFKA.equals(s.getKey()) ? "Kafka is unreachable" : s.getKey() + " is not running");
            }
        }
        boolean kafkaUnreachable = Boolean.FALSE.equals(states.get(KAFKA));
        var moving = new LinkedHashMap<String, Boolean>();
        for (Map.Entry<String, ServiceProgress> p : progressOf(progress).entrySet()) {
            ServiceProgress sp = p.getValue();
            moving.put(p.getKey(), !sp.stalled());
            down |= sp.stalled();
            reasons.addAll(sp.stalls());
            // Offsets that cannot be read while Kafka is unreachable say nothing "Kafka is unreachable" does not.
            if (sp.unmeasured().isPresent() && !kafkaUnreachable) {
                degraded = true;
                reasons.add(sp.unmeasured().get());
            }
        }
        for (Map.Entry<String, java.util.function.Supplier<Optional<String>>> part : new TreeMap<>(degradable).entrySet()) {
            Optional<String> problem = problemOf(part.getKey(), part.getValue());
            states.put(part.getKey(), problem.isEmpty());
            if (problem.isPresent()) {
                degraded = true;
                reasons.add(problem.get());
            }
        }
        boolean ready = views.ready();
        if (!ready) {
            // Streams rebalancing or restoring: alive, but the figures below are missing or old.
            degraded = true;
            reasons.add("the watchdog's views are not being served (starting, rebalancing or restoring)");
        }
        if (contract == null) {
            degraded = true;
            reasons.add("no execution contract is loaded");
        }

        Map<String, DomainView> figures = domainFigures(views, contract);
        Map<String, List<Alert>> open = openBreaches(views);
        // All domains' freezes in one question: across instances, one request per instance, not per domain.
        Map<String, Freeze> freezes = views.freezes(figures.keySet());
        var domains = new TreeMap<String, Map<String, Object>>();
        for (DomainView d : figures.values()) {
            Optional<Freeze> freeze = Optional.ofNullable(freezes.get(d.domain()));
            List<Alert> alerts = open.getOrDefault(d.domain(), List.of());
            Map<String, Object> rendered = render(d, now);
            rendered.put("frozen", freeze.isPresent());
            rendered.put("slaBreaches", alerts.stream().map(Alert::limit).toList());
            domains.put(d.domain(), rendered);
            if (freeze.isPresent()) {
                degraded = true;
                reasons.add(frozen(freeze.get()));
            }
            DomainPolicy policy = contract == null ? null : contract.domains().get(d.domain());
            Map<String, String> live = policy != null && ready ? breaches(d, policy.sla(), now) : Map.of();
            degraded |= !live.isEmpty();
            reasons.addAll(live.values());
            // The check's alerts cover what the live figures cannot show (the success rate) and breaches it
            // saw that the figures have not caught up with; a limit both report is said once.
            for (Alert a : alerts) {
                if (!live.containsKey(Alerts.limitName(a.limit()))) {
                    degraded = true;
                    reasons.add(a.message() == null ? d.domain() + ": " + a.limit() + " breached" : a.message());
                }
            }
        }
        HealthReport.Status status = down ? HealthReport.Status.UNHEALTHY
                : degraded ? HealthReport.Status.DEGRADED : HealthReport.Status.HEALTHY;
        return new HealthReport(status, reasons, states, moving, domains, now);
    }

    /**
     * Which services are not running or make no progress, plus the views when they are not being
     * served: a stalled service takes no patch further, however RUNNING its clients say they are.
     */
    static List<String> notReady(Views views, Map<String, BooleanSupplier> services,
            Map<String, java.util.function.Supplier<ServiceProgress>> progress) {
        var out = new ArrayList<String>();
        serviceStates(services).forEach((name, up) -> {
            if (!up) {
                out.add(name);
            }
        });
        progressOf(progress).forEach((name, p) -> {
            if (p.stalled() && !out.contains(name)) {
                out.add(name);
            }
        });
        if (!views.ready()) {
            out.add("views");
        }
        return out;
    }

    /** Every contract domain, with zeros until it has events, and every domain the log has seen. */
    static Map<String, DomainView> domainFigures(Views views, ExecutionContract contract) {
        var out = new TreeMap<String, DomainView>();
        if (contract != null) {
            contract.domains().keySet().forEach(d -> out.put(d, DomainView.empty(d)));
        }
        for (DomainView d : views.domains()) {
            out.put(d.domain(), d);
        }
        return out;
    }

    private static Map<String, Boolean> serviceStates(Map<String, BooleanSupplier> services) {
        var out = new LinkedHashMap<String, Boolean>();
        services.forEach((name, running) -> out.put(name, isRunning(name, running)));
        return out;
    }

    private static Map<String, ServiceProgress> progressOf(Map<String, java.util.function.Supplier<ServiceProgress>> progress) {
        var out = new LinkedHashMap<String, ServiceProgress>();
        progress.forEach((name, p) -> {
            try {
                out.put(name, p.get());
            } catch (RuntimeException e) {
                log.warn("asking whether {} makes progress failed: {}", name, e.toString());
                out.put(name, ServiceProgress.unmeasured(name + " cannot tell whether it makes progress (" + e + ")"));
            }
        });
        return out;
    }

    private static Optional<String> problemOf(String name, java.util.function.Supplier<Optional<String>> problem) {
        try {
            return problem.get();
        } catch (RuntimeException e) {
            log.warn("asking {} for its state failed: {}", name, e.toString());
            return Optional.of(name + " cannot tell its state (" + e + ")");
        }
    }

    private static boolean isRunning(String name, BooleanSupplier running) {
        try {
            return running.getAsBoolean();
        } catch (RuntimeException e) {
            // A probe that cannot answer cannot vouch for its service.
            log.warn("asking whether {} runs failed: {}", name, e.toString());
            return false;
        }
    }

    /**
     * Each SLA limit the domain's figures exceed, as a sentence by the limit's name (as alerts name it);
     * a figure equal to its limit is within it.
     */
    static Map<String, String> breaches(DomainView d, DomainPolicy.Sla sla, Instant now) {
        var out = new LinkedHashMap<String, String>();
        if (d.quarantined() > sla.quarantine()) {
            out.put("sla.quarantine", d.domain() + ": " + d.quarantined() + " patches in quarantine, more than the limit of "
                    + sla.quarantine());
        }
        if (d.queueDepth() > sla.queueDepth()) {
            out.put("sla.queueDepth", d.domain() + ": " + d.queueDepth() + " patches wait, more than the limit of "
                    + sla.queueDepth());
        }
        if (d.oldestPendingSince() != null) {
            Duration age = Duration.between(d.oldestPendingSince(), now);
            if (age.compareTo(Durations.parse(sla.oldestPending())) > 0) {
                out.put("sla.oldestPending", d.domain() + ": the oldest pending patch has waited " + age.toSeconds()
                        + " s, longer than " + sla.oldestPending());
            }
        }
        return out;
    }

    /** The open SlaBreached alerts by domain. */
    static Map<String, List<Alert>> openBreaches(Views views) {
        var out = new TreeMap<String, List<Alert>>();
        for (Alert a : views.openBreaches(null)) {
            out.computeIfAbsent(a.domain(), k -> new ArrayList<>()).add(a);
        }
        return out;
    }

    static String frozen(Freeze f) {
        return f.domain() + " is frozen: drift found at " + f.since() + " (HEAD " + shortCommit(f.actualCommit())
                + ", the log expects " + shortCommit(f.expectedCommit()) + (f.detail() == null ? "" : "; " + f.detail())
                + (f.namedFiles() == null ? "" : "; files: " + f.namedFiles()) + "); its patches wait until an operator adopts or resets the workspace";
    }

    private static String shortCommit(String commit) {
        return commit == null ? "?" : commit.substring(0, Math.min(12, commit.length()));
    }

    private static Map<String, Object> render(DomainView d, Instant now) {
        var m = new LinkedHashMap<String, Object>();
        m.put("queueDepth", d.queueDepth());
        m.put("inFlight", d.inFlight());
        m.put("awaitingApproval", d.awaitingApproval());
        m.put("quarantined", d.quarantined());
        m.put("succeeded", d.succeeded());
        m.put("failed", d.failed());
        m.put("rejected", d.rejected());
        m.put("cancelled", d.cancelled());
        m.put("oldestPendingSince", d.oldestPendingSince());
        m.put("oldestPendingAgeSeconds",
                d.oldestPendingSince() == null ? null : Math.max(0, Duration.between(d.oldestPendingSince(), now).toSeconds()));
        m.put("lastEventAt", d.lastEventAt());
        m.put("lastSeq", d.lastSeq());
        m.put("headHash", d.headHash());
        return m;
    }
}
