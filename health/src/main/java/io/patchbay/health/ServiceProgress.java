package io.patchbay.health;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a service's input is being processed, as measured from its consumer group's offsets.
 *
 * @param stalls one sentence per partition whose records wait beyond the bound, or that an open
 *     transaction holds; any one makes patchbay unhealthy and the service not ready
 * @param unmeasured why the offsets could not be read at the last try; no evidence of a stall, so it
 *     only degrades
 */
public record ServiceProgress(List<String> stalls, Optional<String> unmeasured) {

    public static final ServiceProgress MOVING = new ServiceProgress(List.of(), Optional.empty());

    public ServiceProgress {
        stalls = List.copyOf(stalls);
        unmeasured = Objects.requireNonNull(unmeasured, "unmeasured");
    }

    public static ServiceProgress unmeasured(String why) {
        return new ServiceProgress(List.of(), Optional.of(why));
    }

    public boolean stalled() {
        return !stalls.isEmpty();
    }
}
