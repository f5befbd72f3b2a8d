package io.patchbay.ingest;

import io.javalin.http.HttpStatus;
import io.patchbay.contracts.Json;
import java.util.List;

/** An RFC 9457 problem document; {@code errors} lists every problem found in the submission. */
record Problem(String type, String title, int status, String detail, List<String> errors) {

    static final String CONTENT_TYPE = "application/problem+json";

    static Problem of(HttpStatus status, String detail, List<String> errors) {
        return new Problem("about:blank", status.getMessage(), status.getCode(), detail,
                errors == null || errors.isEmpty() ? null : List.copyOf(errors));
    }

    String json() {
        return Json.canonical(this);
    }
}
