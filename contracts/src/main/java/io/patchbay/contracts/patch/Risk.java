package io.patchbay.contracts.patch;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum Risk {
    LOW, MEDIUM, HIGH, CRITICAL;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Risk of(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }
}
