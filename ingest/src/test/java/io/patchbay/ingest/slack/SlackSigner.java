package io.patchbay.ingest.slack;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs requests the way Slack signs them ({@code v0=} HMAC-SHA256 of {@code v0:timestamp:body}
 * with the app's signing secret), so that tests reach Bolt's real signature check.
 */
public final class SlackSigner {

    private final String secret;

    public SlackSigner(String secret) {
        this.secret = secret;
    }

    /** The {@code X-Slack-Signature} header for {@code body} sent at {@code timestamp} (epoch seconds). */
    public String sign(long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    /** A POST of {@code body} to {@code url}, signed at {@code timestamp}, as Slack delivers it. */
    public HttpRequest.Builder post(URI url, String contentType, String body, long timestamp) {
        return HttpRequest.newBuilder(url)
                .header("Content-Type", contentType)
                .header("X-Slack-Request-Timestamp", String.valueOf(timestamp))
                .header("X-Slack-Signature", sign(timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** The same, signed now. */
    public HttpRequest.Builder post(URI url, String contentType, String body) {
        return post(url, contentType, body, Instant.now().getEpochSecond());
    }
}
