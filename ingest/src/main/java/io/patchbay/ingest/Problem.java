package io.patchbay.ingest;

import io.patchbay.contracts.Json;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;

/** An RFC 9457 problem document; {@code errors} lists every problem found in the submission. */
record Problem(String type, String title, int status, String detail, List<String> errors) {

    static final String CONTENT_TYPE = "application/problem+json";

    static void send(Context ctx, HttpStatus status, String detail, List<String> errors) {
        ctx.status(status)
                .contentType(CONTENT_TYPE)
                .result(Json.canonical(new Problem("about:blank", status.getMessage(), status.getCode(), detail,
                        errors == null || errors.isEmpty() ? null : errors)));
    }
}
