package io.patchbay.watchdog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What an instance answered to a {@link PeerQuery}, with the input partitions its stores held when it
 * answered ({@code patchbay.events-3}): the asker compares them with the owners it planned with,
 * so an answer from an instance whose partitions moved in the meantime is never taken for the whole.
 */
public record PeerAnswer(List<String> partitions, JsonNode answer) {

    public PeerAnswer {
        partitions = partitions == null ? List.of() : List.copyOf(partitions);
    }
}
