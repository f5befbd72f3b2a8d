package io.patchbay.ingest.slack;

import com.slack.api.app_backend.SlackSignature;
import com.slack.api.bolt.App;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Bolt app behind a Javalin route: the request goes to Bolt as Slack sent it (path, query,
 * headers, raw body, client address), and Bolt's answer goes back as it is. Bolt's own middleware
 * checks the signature, so a bad or stale one gets Bolt's 401. Nothing here needs Slack's Web API.
 */
final class BoltJavalinAdapter {

    private static final Logger log = LoggerFactory.getLogger(BoltJavalinAdapter.class);

    private final App app;
    private final SlackRequestParser parser;
    private final SlackSignature.Verifier verifier;

    BoltJavalinAdapter(App app, String signingSecret) {
        this.app = app;
        this.parser = new SlackRequestParser(app.config());
        this.verifier = new SlackSignature.Verifier(new SlackSignature.Generator(signingSecret == null ? "---" : signingSecret));
    }

    void handle(Context ctx) throws Exception {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            headers.put(name, Collections.list(ctx.req().getHeaders(name)));
        }
        String body = ctx.body();
        var raw = SlackRequestParser.HttpRequest.builder()
                .requestUri(ctx.path())
                .queryString(ctx.queryParamMap())
                .headers(new RequestHeaders(headers))
                .requestBody(body)
                .remoteAddress(ctx.ip())
                .build();
        Request<?> request = parser.parse(raw);
        if (request == null) {
            // Bolt recognised nothing; still, an unsigned caller learns nothing more than a 401.
            boolean signed = verifier.isValid(raw.getHeaders().getFirstValue(SlackSignature.HeaderNames.X_SLACK_REQUEST_TIMESTAMP),
                    body, raw.getHeaders().getFirstValue(SlackSignature.HeaderNames.X_SLACK_SIGNATURE));
            ctx.status(signed ? 400 : 401).contentType("application/json")
                    .result(signed ? "{\"error\":\"unknown request\"}" : "{\"error\":\"invalid request\"}");
            return;
        }
        Response response = app.run(request);
        ctx.status(response.getStatusCode());
        if (response.getContentType() != null) {
            ctx.contentType(response.getContentType());
        }
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, values) -> values.forEach(v -> ctx.res().addHeader(name, v)));
        }
        ctx.result(response.getBody() == null ? "" : response.getBody());
        if (response.getStatusCode() >= 400) {
            log.info("Slack request to {} answered {}", ctx.path(), response.getStatusCode());
        }
    }
}
