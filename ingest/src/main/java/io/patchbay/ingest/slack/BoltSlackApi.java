package io.patchbay.ingest.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.model.File;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.util.http.SlackHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.Response;

/** {@link SlackApi} over Bolt's Web API client, so requests look exactly as Slack's SDK sends them. */
final class BoltSlackApi implements SlackApi {

    /** Errors that say "not now" rather than "never". */
    private static final Set<String> TRANSIENT = Set.of("ratelimited", "internal_error", "fatal_error",
            "service_unavailable", "request_timeout");

    private final MethodsClient methods;
    private final SlackHttpClient http;
    private final String botToken;
    private final List<String> fileUrlPrefixes;

    BoltSlackApi(MethodsClient methods, SlackHttpClient http, String botToken, List<String> fileUrlPrefixes) {
        this.methods = methods;
        this.http = http;
        this.botToken = botToken;
        this.fileUrlPrefixes = fileUrlPrefixes;
    }

    @FunctionalInterface
    private interface Call<R extends SlackApiTextResponse> {
        R run() throws IOException, SlackApiException;
    }

    private <R extends SlackApiTextResponse> R call(String method, Call<R> call) throws SlackCallException {
        R response;
        try {
            response = call.run();
        } catch (SlackApiException e) {
            int status = e.getResponse().code();
            String header = e.getResponse().header("Retry-After");
            Duration retryAfter = header == null ? null : Duration.ofSeconds(parseSeconds(header));
            if (status >= 500) {
                throw SlackCallException.outage(method + " answered HTTP " + status, e);
            }
            throw new SlackCallException(method + " answered HTTP " + status, status == 429, retryAfter, e);
        } catch (IOException e) {
            throw SlackCallException.outage(method + " failed: " + e.getMessage(), e);
        }
        if (!response.isOk()) {
            throw new SlackCallException(method + " answered " + response.getError(),
                    TRANSIENT.contains(response.getError()), null, null);
        }
        return response;
    }

    private static long parseSeconds(String header) {
        try {
            return Math.max(1, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    @Override
    public String checkAuth() throws SlackCallException {
        var r = call("auth.test", () -> methods.authTest(q -> q.token(botToken)));
        return "team " + r.getTeam() + " (" + r.getTeamId() + "), bot user " + r.getUserId();
    }

    @Override
    public String post(String channel, String threadTs, String text, List<LayoutBlock> blocks) throws SlackCallException {
        return call("chat.postMessage", () -> methods.chatPostMessage(r -> r.token(botToken).channel(channel)
                .threadTs(threadTs).text(text).blocks(blocks).unfurlLinks(false))).getTs();
    }

    @Override
    public void update(String channel, String ts, String text, List<LayoutBlock> blocks) throws SlackCallException {
        call("chat.update", () -> methods.chatUpdate(r -> r.token(botToken).channel(channel).ts(ts).text(text)
                .blocks(blocks)));
    }

    @Override
    public void ephemeral(String channel, String user, String threadTs, String text) throws SlackCallException {
        call("chat.postEphemeral", () -> methods.chatPostEphemeral(r -> r.token(botToken).channel(channel).user(user)
                .threadTs(threadTs).text(text)));
    }

    @Override
    public void respond(String responseUrl, String text) throws SlackCallException {
        try (Response response = http.postJsonBody(responseUrl, Map.of("response_type", "ephemeral", "text", text))) {
            if (!response.isSuccessful()) {
                throw new SlackCallException("response_url answered HTTP " + response.code(),
                        response.code() == 429 || response.code() >= 500, null, null);
            }
        } catch (IOException e) {
            throw new SlackCallException("response_url failed: " + e.getMessage(), true, null, e);
        }
    }

    @Override
    public FileInfo fileInfo(String fileId, String channel) throws SlackCallException {
        File f = call("files.info", () -> methods.filesInfo(r -> r.token(botToken).file(fileId))).getFile();
        String url = f.getUrlPrivateDownload() != null ? f.getUrlPrivateDownload() : f.getUrlPrivate();
        return new FileInfo(f.getId(), f.getName(), f.getSize() == null ? -1 : f.getSize(), url, sharedTs(f, channel));
    }

    private static String sharedTs(File f, String channel) {
        if (f.getShares() == null || channel == null) {
            return null;
        }
        for (Map<String, List<File.ShareDetail>> shares : java.util.Arrays.asList(f.getShares().getPublicChannels(),
                f.getShares().getPrivateChannels())) {
            List<File.ShareDetail> here = shares == null ? null : shares.get(channel);
            if (here != null && !here.isEmpty()) {
                return here.get(0).getTs();
            }
        }
        return null;
    }

    @Override
    public byte[] download(FileInfo file, long maxBytes) throws SlackCallException {
        if (file.url() == null || fileUrlPrefixes.stream().noneMatch(file.url()::startsWith)) {
            // The bot token goes with the request: never to a place that is not Slack's.
            throw new SlackCallException("file " + file.id() + " is not hosted where patchbay fetches files ("
                    + String.join(", ", fileUrlPrefixes) + ")", false, null, null);
        }
        try (Response response = http.get(file.url(), null, botToken)) {
            if (!response.isSuccessful()) {
                throw new SlackCallException("downloading file " + file.id() + " answered HTTP " + response.code(),
                        response.code() == 429 || response.code() >= 500, null, null);
            }
            try (InputStream in = response.body().byteStream()) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 1, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new SlackCallException("file " + file.name() + " is over the limit of " + maxBytes + " bytes",
                            false, null, null);
                }
                return bytes;
            }
        } catch (IOException e) {
            throw new SlackCallException("downloading file " + file.id() + " failed: " + e.getMessage(), true, null, e);
        }
    }
}
