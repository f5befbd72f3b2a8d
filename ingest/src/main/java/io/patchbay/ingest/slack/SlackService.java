package io.patchbay.ingest.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.model.File;
import com.slack.api.model.event.FileSharedEvent;
import com.slack.api.model.event.MessageEvent;
import com.slack.api.model.event.MessageFileShareEvent;
import com.slack.api.socket_mode.SocketModeClient;
import io.javalin.config.RoutesConfig;
import io.patchbay.contracts.view.Digest;
import io.patchbay.ingest.CommandPublisher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack channel: a Bolt app served at {@value #EVENTS_PATH} inside patchbay's Javalin server
 * (and over Socket Mode when an app-level token is configured), taking patches from messages,
 * uploaded files and {@code /patch}, and the Approve/Reject buttons; and the notifier that answers
 * in each patch's thread. Every request is acknowledged at once and its work done afterwards on a
 * small pool, inside Slack's 3-second window whatever Kafka or Slack are doing.
 */
public final class SlackService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SlackService.class);

    public static final String EVENTS_PATH = "/slack/events";
    public static final String COMMAND = "/patch";
    static final Duration MAX_START_BACKOFF = Duration.ofMinutes(1);

    private final SlackSettings settings;
    private final Slack slack;
    private final App app;
    private final SlackOutbox outbox;
    private final PatchThreads threads;
    private final DeliveryLog deliveries;
    private final SlackIntake intake;
    private final SlackApprovals approvals;
    private final SlackNotifier notifier;
    private final ThreadPoolExecutor work;
    private final ScheduledExecutorService starter;
    private final BoltJavalinAdapter adapter;
    private volatile boolean started;
    private volatile boolean closed;
    private SocketModeApp socketMode;
    private SlackFeed<io.patchbay.contracts.event.Event> feed;
    private SlackFeed<io.patchbay.contracts.view.Alert> alertFeed;
    private DigestPoster digestPoster;

    public SlackService(SlackSettings settings, CommandPublisher publisher, Clock clock) {
        this.settings = settings;
        SlackConfig config = new SlackConfig();
        if (settings.apiUrl() != null) {
            config.setMethodsEndpointUrlPrefix(settings.apiUrl());
        }
        config.setStatsEnabled(false);
        this.slack = Slack.getInstance(config);
        this.app = new App(AppConfig.builder()
                .slack(slack)
                .singleTeamBotToken(settings.botToken())
                .signingSecret(settings.signingSecret())
                // Not an OAuth-distributed app, whatever SLACK_CLIENT_ID says in the environment.
                .clientId(null)
                .clientSecret(null)
                // Without the cache Bolt calls auth.test on every request, inside the 3-second window.
                .authTestCacheEnabled(true)
                // Events nobody handles (edits, joins, bot messages) are acknowledged, not answered 404.
                .allEventsApiAutoAckEnabled(true)
                .build());
        Path dir = settings.stateDir();
        this.threads = new PatchThreads(dir.resolve("threads.jsonl"));
        this.deliveries = new DeliveryLog(dir.resolve("deliveries.jsonl"), clock);
        SlackApi api = new BoltSlackApi(slack.methods(), slack.getHttpClient(), settings.botToken(),
                settings.fileUrlPrefixes());
        this.outbox = new SlackOutbox(api, settings.perChannelInterval(), settings.outboxCapacity(), settings.maxAttempts());
        this.intake = new SlackIntake(settings, api, outbox, threads, deliveries, publisher, clock);
        this.approvals = new SlackApprovals(settings, threads, outbox, publisher, clock);
        this.notifier = new SlackNotifier(threads, outbox);
        this.work = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000), daemon("patchbay-slack"));
        this.starter = Executors.newSingleThreadScheduledExecutor(daemon("patchbay-slack-start"));
        this.adapter = new BoltJavalinAdapter(app, settings.signingSecret());
        routeHandlers();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private void routeHandlers() {
        app.event(MessageEvent.class, (payload, ctx) -> {
            MessageEvent e = payload.getEvent();
            // Top-level messages with a code block only: talk in threads stays talk.
            boolean topLevel = e.getThreadTs() == null || e.getThreadTs().equals(e.getTs());
            if (e.getBotId() == null && e.getUser() != null && topLevel && e.getText() != null
                    && e.getText().contains("```")) {
                dispatch(payload.getTeamId() + ":" + payload.getEventId(), new SlackSubmission(SlackSubmission.Kind.MESSAGE,
                        payload.getTeamId(), e.getChannel(), e.getUser(), e.getTs(), e.getText(), null, null));
            }
            return ctx.ack();
        });
        app.event(MessageFileShareEvent.class, (payload, ctx) -> {
            MessageFileShareEvent e = payload.getEvent();
            List<String> ids = e.getFiles() == null ? List.of() : e.getFiles().stream().map(File::getId).toList();
            if (e.getUser() != null && !ids.isEmpty()) {
                dispatch(payload.getTeamId() + ":" + payload.getEventId(), new SlackSubmission(SlackSubmission.Kind.FILE,
                        payload.getTeamId(), e.getChannel(), e.getUser(), e.getTs(), e.getText(), ids, null));
            }
            return ctx.ack();
        });
        app.event(FileSharedEvent.class, (payload, ctx) -> {
            FileSharedEvent e = payload.getEvent();
            if (e.getUserId() != null && e.getFileId() != null) {
                dispatch(payload.getTeamId() + ":" + payload.getEventId(), new SlackSubmission(SlackSubmission.Kind.FILE,
                        payload.getTeamId(), e.getChannelId(), e.getUserId(), null, null, List.of(e.getFileId()), null));
            }
            return ctx.ack();
        });
        app.command(COMMAND, (req, ctx) -> {
            var p = req.getPayload();
            // Reading and checking the patch is quick and local, so a refusal is the acknowledgement itself.
            SlackIntake.Checked checked = intake.checkCommand(p.getText(), p.getUserId(), p.getChannelId());
            if (checked.patch() == null) {
                return ctx.ack(checked.refusal());
            }
            dispatch(p.getTeamId() + ":command:" + p.getTriggerId(), new SlackSubmission(SlackSubmission.Kind.COMMAND,
                    p.getTeamId(), p.getChannelId(), p.getUserId(), null, p.getText(), null, p.getResponseUrl()));
            return ctx.ack();
        });
        for (boolean approve : new boolean[] {true, false}) {
            app.blockAction(approve ? SlackMessages.APPROVE : SlackMessages.REJECT, (req, ctx) -> {
                var p = req.getPayload();
                String channel = p.getChannel() != null ? p.getChannel().getId() : p.getContainer().getChannelId();
                String value = p.getActions().get(0).getValue();
                run(() -> approvals.handle(approve, p.getUser().getId(), channel, value));
                return ctx.ack();
            });
        }
    }

    /** Claims a delivery and does its work after the acknowledgement; a retry or duplicate is only acknowledged. */
    private void dispatch(String key, SlackSubmission submission) {
        if (!deliveries.claim(key, submission)) {
            log.info("Slack delivery {} was already taken; acknowledged and ignored", key);
            return;
        }
        try {
            work.execute(() -> {
                try {
                    intake.handle(submission);
                } finally {
                    deliveries.done(key);
                }
            });
        } catch (RejectedExecutionException e) {
            deliveries.release(key);
            log.error("too much Slack work is waiting; delivery {} is kept and done on the next start", key);
        }
    }

    private void run(Runnable task) {
        try {
            work.execute(task);
        } catch (RejectedExecutionException e) {
            log.error("too much Slack work is waiting; a button click was dropped");
        }
    }

    /** Serves Bolt at {@value #EVENTS_PATH} (not registered without a signing secret, i.e. Socket Mode only). */
    /**
     * Channels that slack.yml does not map take their domain from here: the execution contract's
     * {@code routes.slackChannels}, asked at each message so that a contract edit applies at once.
     */
    public void routeChannelsBy(java.util.function.Function<String, java.util.Optional<String>> routes) {
        intake.routeChannelsBy(routes);
    }

    /**
     * Who is who: the execution contract's identities, asked at each button click so that the early
     * answer to an approval compares people as the decider does.
     */
    public void identifyBy(java.util.function.Supplier<io.patchbay.contracts.policy.Identities> identities) {
        approvals.identifyBy(identities);
    }

    public void addRoutes(RoutesConfig routes) {
        if (settings.signingSecret() != null) {
            routes.post(EVENTS_PATH, ctx -> adapter.handle(ctx, started));
        }
    }

    /**
     * Starts Bolt (it checks the bot token with {@code auth.test}), Socket Mode when configured, and
     * finishes deliveries a crash left open. Does not wait for Slack: while Slack cannot be reached
     * it keeps trying in the background and {@value #EVENTS_PATH} answers 503, so Slack redelivers.
     */
    public void start() {
        starter.execute(() -> tryStart(Duration.ofSeconds(1)));
    }

    private void tryStart(Duration backoff) {
        if (closed) {
            return;
        }
        try {
            app.start();
            if (settings.socketMode() && socketMode == null) {
                var socket = new SocketModeApp(settings.appToken(), app, SocketModeClient.Backend.JavaWebSocket);
                socket.startAsync();
                socketMode = socket;
            }
            started = true;
            log.info("Slack is connected{} ({})", settings.socketMode() ? " over Socket Mode" : "", settings);
            finishUnfinished();
        } catch (Exception e) {
            app.stop();
            Duration next = backoff.multipliedBy(2).compareTo(MAX_START_BACKOFF) > 0 ? MAX_START_BACKOFF : backoff.multipliedBy(2);
            log.warn("cannot start the Slack app yet ({}); trying again in {} s", e.getMessage(), backoff.toSeconds());
            starter.schedule(() -> tryStart(next), backoff.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void finishUnfinished() {
        for (var open : deliveries.unfinished()) {
            SlackSubmission s = open.getValue();
            if (s == null) {
                deliveries.done(open.getKey());
                continue;
            }
            log.info("finishing Slack delivery {}, interrupted by the last shutdown", open.getKey());
            run(() -> {
                try {
                    intake.handle(s);
                } finally {
                    deliveries.done(open.getKey());
                }
            });
        }
    }

    /** Starts following {@code patchbay.events} to answer in threads. */
    public synchronized void startNotifier(String bootstrapServers) {
        if (feed != null) {
            throw new IllegalStateException("the Slack notifier was already started");
        }
        feed = SlackFeed.events(bootstrapServers, notifier::on);
        feed.start();
        AlertPoster alerts = new AlertPoster(settings, outbox);
        if (alerts.hasChannels()) {
            alertFeed = SlackFeed.alerts(bootstrapServers, alerts::on);
            alertFeed.start();
        }
    }

    /**
     * Starts posting the daily digest when the settings configure one.
     *
     * @param digests the digest of a period {@code [since, until)}: the watchdog's {@code Views::digest}
     * @return the poster, also for posting on demand; empty when no digest is configured
     */
    public synchronized Optional<DigestPoster> startDigest(BiFunction<Instant, Instant, Digest> digests, Clock clock) {
        if (settings.digest() == null) {
            return Optional.empty();
        }
        if (digestPoster == null) {
            digestPoster = new DigestPoster(outbox, settings.digest(), digests, clock);
            digestPoster.start();
        }
        return Optional.of(digestPoster);
    }

    /** Where events go to be told in Slack; fed by {@link #startNotifier} or directly. */
    public SlackNotifier notifier() {
        return notifier;
    }

    /** Connected to Slack, and following the events when the notifier was started. */
    public boolean isRunning() {
        SlackFeed<?> f = feed;
        return started && !closed && (f == null || f.isRunning());
    }

    /** Messages waiting to be sent to Slack. */
    public int outboxWaiting() {
        return outbox.waiting();
    }

    @Override
    public void close() {
        closed = true;
        started = false;
        starter.shutdownNow();
        SlackFeed<?> f;
        SlackFeed<?> a;
        synchronized (this) {
            f = feed;
            a = alertFeed;
        }
        if (f != null) {
            f.close();
        }
        if (a != null) {
            a.close();
        }
        synchronized (this) {
            if (digestPoster != null) {
                digestPoster.close();
            }
        }
        if (socketMode != null) {
            try {
                socketMode.close();
            } catch (Exception e) {
                log.warn("cannot close Socket Mode: {}", e.toString());
            }
        }
        work.shutdown();
        try {
            if (!work.awaitTermination(10, TimeUnit.SECONDS)) {
                work.shutdownNow();
            }
        } catch (InterruptedException e) {
            work.shutdownNow();
            Thread.currentThread().interrupt();
        }
        app.stop();
        outbox.close();
        threads.close();
        deliveries.close();
        try {
            slack.close();
        } catch (Exception e) {
            log.warn("cannot close the Slack client: {}", e.toString());
        }
    }
}
