package io.patchbay.contracts.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;

/** The stable wire name of an event body, as declared on {@link EventBody}. */
public final class EventTypes {

    private EventTypes() {}

    public static String nameOf(EventBody body) {
        for (JsonSubTypes.Type t : EventBody.class.getAnnotation(JsonSubTypes.class).value()) {
            if (t.value() == body.getClass()) {
                return t.name();
            }
        }
        return body.getClass().getSimpleName();
    }
}
