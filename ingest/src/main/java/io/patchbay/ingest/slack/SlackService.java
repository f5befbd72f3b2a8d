package io.patchbay.ingest.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.builtin.RequestVerification;
import com.slack.api.bolt.middleware.builtin.SSLCheck;
import com.slack.api.bolt.response.Response;
import com.slack.api.app_backend.SlackSignature;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.model.File;
import com.slack.api.model.event.FileSharedEvent;
import com.slack.api.model.event.MessageEvent;
import com.slack.api.model.event.MessageFileShareEvent;
import com.slack.api.socket_mode.SocketModeClient;
import io.javalin.config.RoutesConfig;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.Digest;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.ingest.CommandPublisher;
import io.patchbay.ingest.SharedAnswers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack channel: a Bolt app served at {@value #EVENTS_PATH} inside patchbay's Javalin server
 * (and over Socket Mode when an app-level token is configured), taking patches from messages,
 * uploaded files and {@code /patch}, and the Approve/Reject buttons; and the notifier that answers
 * in each patch's thread. Every request is acknowledged at once and its work done afterwards on a
 * small pool, inside Slack's 3-second window whatever Kafka or Slack are doing.
 *
 * <p>Serving requests needs nothing from Slack's Web API: signatures are checked with the signing
 * secret alone, so {@value #EVENTS_PATH} (and {@code url_verification}) works while the Web API is
 * out of reach. Bolt's own start-up {@code auth.test} would make it refuse every request then, so
 * the app runs without it; patchbay asks {@code auth.test} itself, in the background, to know
 * whether Slack can be reached ({@link #problem()}), and what it says waits in a durable outbox.
 * Who may do what is read from the execution contract in force at each request.
 *
 * <p>Why one class over ~300 lines: it is where Bolt's handlers, the work pool and the start and
 * stop of every Slack part meet; the parts themselves (intake, approvals, notifier, outbox, probe,
 * feeds) are classes of their own.
 */
public final class SlackService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SlackService.class);

    public static final String EVENTS_PATH = "/slack/events";
    public static final String COMMAND = "/patch";
    /** Slack deliveries remembered from the shared topic; the oldest are forgotten beyond this many. */
    static final int MAX_SHARED_DELIVERIES = 200_000;
    private static final String RETRY_LATER = "patchbay.retryLater";
    private static final String SOCKET_MODE = "patchbay.socketMode";
    /** How often claims the shared topic did not confirm are settled; well inside Slack's first retry (1 min). */
    static final java.time.Duration SETTLE_EVERY = java.time.Duration.ofSeconds(10);

    private final SlackSettings settings;
    private final SlackLink link;
    private final Slack slack;
    private final App app;
    private final SlackOutbox outbox;
    private final PatchThreads threads;
    private final DeliveryClaims deliveries;
    private final SlackIntake intake;
    private final SlackApprovals approvals;
    private final SlackNotifier notifier;
    private final ThreadPoolExecutor work;
    private final java.util.concurrent.ScheduledExecutorService settler =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(daemon("patchbay-slack-claims"));
    private final WebApiProbe probe;
    private final BoltJavalinAdapter adapter;
    private final SlackApi api;
    private volatile boolean closed;
    private volatile SocketModeApp socketMode;
    private SlackFeed<io.patchbay.contracts.event.Event> feed;
    private SlackFeed<io.patchbay.contracts.view.Alert> alertFeed;
    private DigestPoster digestPoster;
    private final AlertPoster alerts;

    /**
     * @param contract the execution contract in force, asked at each request: who may submit and
     *     approve, which channel means which domain, where alerts go
     */
    public SlackService(SlackSettings settings, Supplier<ExecutionContract> contract, CommandPublisher publisher,
            Clock clock) {
        this.settings = settings;
        SlackConfig config = new SlackConfig();
        if (settings.apiUrl() != null) {
            config.setMethodsEndpointUrlPrefix(settings.apiUrl());
        }
        config.setStatsEnabled(false);
        this.slack = Slack.getInstance(config);
        AppConfig appConfig = AppConfig.builder()
                .slack(slack)
                .singleTeamBotToken(settings.botToken())
                .signingSecret(settings.signingSecret())
                // Not an OAuth-distributed app, whatever SLACK_CLIENT_ID says in the environment.
                .clientId(null)
                .clientSecret(null)
                // Events nobody handles (edits, joins, bot messages) are acknowledged, not answered 404.
                .allEventsApiAutoAckEnabled(true)
                .build();
        this.app = new App(appConfig, slack, offlineMiddleware(settings)).asOAuthApp(false);
        Path dir = settings.stateDir();
        this.link = new SlackLink(clock, this::wakeOutbox);
        this.threads = new PatchThreads(dir.resolve("threads.jsonl"));
        this.deliveries = new DeliveryClaims(new DeliveryLog(dir.resolve("deliveries.jsonl"), clock), clock);
        this.api = new BoltSlackApi(slack.methods(), slack.getHttpClient(), settings.botToken(),
                settings.fileUrlPrefixes());
        this.outbox = new SlackOutbox(api, dir.resolve("outbox.jsonl"), settings.perChannelInterval(),
                settings.outboxCapacity(), settings.maxAttempts(), link, System::nanoTime);
        SlackPermissions permissions = new SlackPermissions(contract);
        this.intake = new SlackIntake(settings, permissions, api, outbox, threads, deliveries, publisher, clock);
        this.approvals = new SlackApprovals(permissions, threads, outbox, publisher, clock);
        this.notifier = new SlackNotifier(threads, outbox);
        this.alerts = new AlertPoster(permissions, outbox);
        outbox.onSent(notifier::sent);
        this.work = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000), daemon("patchbay-slack"));
        this.probe = new WebApiProbe(api, link, this::connectSocketMode);
        this.adapter = new BoltJavalinAdapter(app, settings.signingSecret());
        routeHandlers();
    }

    /**
     * Bolt's checks that need no Web API: {@code ssl_check} and the request signature. Bolt's
     * single-team authorization is left out: it calls {@code auth.test} before every request until
     * one succeeds, and answers 500 while Slack cannot be reached. This app serves one workspace
     * with one bot token, and its handlers only acknowledge, so the bot token is all it needs. So
     * is Bolt's self-event filter, which needs the bot's user id from {@code auth.test}: the
     * handlers pass over messages from bots themselves.
     */
    private static java.util.List<Middleware> offlineMiddleware(SlackSettings settings) {
        String secret = settings.signingSecret() == null ? "---" : settings.signingSecret();
        var list = new java.util.ArrayList<Middleware>();
        list.add(new SSLCheck(null));
        list.add(new RequestVerification(new SlackSignature.Verifier(new SlackSignature.Generator(secret))));
        list.add((req, resp, chain) -> {
            req.getContext().setBotToken(settings.botToken());
            return chain.next(req);
        });
        // Bolt answers 200 to an event whatever its handler returns; a handler asks for a retry here.
        list.add((req, resp, chain) -> {
            if (req.isSocketMode()) {
                req.getContext().getAdditionalValues().put(SOCKET_MODE, "true");
            }
            Response answer = chain.next(req);
            return req.getContext().getAdditionalValues().containsKey(RETRY_LATER) ? retryLater() : answer;
        });
        return list;
    }

    private void wakeOutbox() {
        SlackOutbox o = outbox;
        if (o != null) {
            o.wake();
        }
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
                return dispatch(payload.getTeamId() + ":" + payload.getEventId(), new SlackSubmission(SlackSubmission.Kind.MESSAGE,
                        payload.getTeamId(), e.getChannel(), e.getUser(), e.getTs(), e.getText(), null, null),
                        retryNum(ctx)) ? ctx.ack() : retryLater(ctx);
            }
            return ctx.ack();
        });
        app.event(MessageFileShareEvent.class, (payload, ctx) -> {
            MessageFileShareEvent e = payload.getEvent();
            List<String> ids = e.getFiles() == null ? List.of() : e.getFiles().stream().map(File::getId).toList();
            if (e.getUser() != null && !ids.isEmpty()) {
                return dispatch(payload.getTeamId() + ":" + payload.getEventId(), new SlackSubmission(SlackSubmission.Kind.FILE,
                        payload.getTeamId(), e.getChannel(), e.getUser(), e.getTs(), e.getText(), ids, null),
                        retryNum(ctx)) ? ctx.ack() : retryLater(ctx);
            }
            return ctx.ack();
        });
        app.event(FileSharedEvent.class, (payload, ctx) -> {
            FileSharedEvent e = payload.getEvent();
            if (e.getUserId() != null && e.getFileId() != null) {
                return dispatch(payload.getTeamId() + ":" + payload.getEventId(), new SlackSubmission(SlackSubmission.Kind.FILE,
                        payload.getTeamId(), e.getChannelId(), e.getUserId(), null, null, List.of(e.getFileId()), null),
                        retryNum(ctx)) ? ctx.ack() : retryLater(ctx);
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
            String key = p.getTeamId() + ":command:" + p.getTriggerId();
            SlackSubmission s = new SlackSubmission(SlackSubmission.Kind.COMMAND, p.getTeamId(), p.getChannelId(),
                    p.getUserId(), null, p.getText(), null, p.getResponseUrl());
            if (deliveries.claimHere(key, s)) {
                work(key, s);
            }
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

    /**
     * Claims an event callback and does its work after the acknowledgement; a retry or a duplicate,
     * here or on another instance, is only acknowledged.
     *
     * @return false when it is not known whether another instance took it: Slack is then answered
     *     {@link #retryLater()} and delivers it again
     */
    private boolean dispatch(String key, SlackSubmission submission, Integer retryNum) {
        DeliveryClaims.Outcome outcome = deliveries.claim(key, submission, retryNum);
        if (outcome instanceof DeliveryClaims.Outcome.Unconfirmed u) {
            log.warn("Slack delivery {} (retry {}) cannot be claimed on the shared topic ({}); Slack is asked to"
                    + " deliver it again", key, retryNum == null ? 0 : retryNum, u.reason());
            return false;
        }
        if (outcome instanceof DeliveryClaims.Outcome.Skip s) {
            log.info("Slack delivery {} was already taken by {}; acknowledged and ignored", key, s.takenBy());
        } else {
            work(key, submission);
        }
        return true;
    }

    private void work(String key, SlackSubmission submission) {
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

    /**
     * Slack's {@code X-Slack-Retry-Num} of an event; over Socket Mode, the last retry whatever it is:
     * Bolt acknowledges every envelope there, so nothing is delivered again after a 503.
     */
    private static Integer retryNum(com.slack.api.bolt.context.builtin.EventContext ctx) {
        return ctx.getAdditionalValues().containsKey(SOCKET_MODE) ? Integer.valueOf(DeliveryClaims.LAST_RETRY)
                : ctx.getRetryNum();
    }

    /** Marks the request for {@link #retryLater()}: event handlers cannot answer anything but 200 through Bolt. */
    private static Response retryLater(com.slack.api.bolt.context.Context ctx) {
        ctx.getAdditionalValues().put(RETRY_LATER, "true");
        return ctx.ack();
    }

    /**
     * Slack's answer when a delivery cannot be claimed: any 5xx makes Slack deliver the event again
     * (after about a minute, then five), with {@code X-Slack-Retry-Num}.
     */
    static Response retryLater() {
        return Response.builder().statusCode(503).contentType(Response.CONTENT_TYPE_APPLICATION_JSON)
                .body("{\"error\":\"patchbay cannot reach its Kafka cluster to tell a retry from a new event;"
                        + " deliver it again later\"}").build();
    }

    /**
     * Claims deliveries on the shared topic from now on, so that an event taken by another instance
     * is left alone here; whoever made {@code shared} starts and closes it.
     */
    public void shareDeliveries(SharedAnswers<SlackDeliveryClaim> shared) {
        deliveries.share(shared::claim);
    }

    void shareDeliveries(DeliveryClaims.Board board) {
        deliveries.share(board);
    }

    /** The shared store of Slack delivery claims on {@code bootstrapServers}, not yet started. */
    public static SharedAnswers<SlackDeliveryClaim> deliveryAnswers(String bootstrapServers, Clock clock) {
        return new SharedAnswers<>(bootstrapServers, Topics.IDEMPOTENCY, "slack", SlackDeliveryClaim.class,
                DeliveryLog.RETENTION, MAX_SHARED_DELIVERIES, clock);
    }

    private void run(Runnable task) {
        try {
            work.execute(task);
        } catch (RejectedExecutionException e) {
            log.error("too much Slack work is waiting; a button click was dropped");
        }
    }

    /** Serves Bolt at {@value #EVENTS_PATH} (not registered without a signing secret, i.e. Socket Mode only). */
    public void addRoutes(RoutesConfig routes) {
        if (settings.signingSecret() != null) {
            routes.post(EVENTS_PATH, adapter::handle);
        }
    }

    /**
     * Starts Bolt, finishes deliveries a crash left open, and starts checking the Web API in the
     * background ({@code auth.test}; Socket Mode, when configured, connects once it answers). Does
     * not wait for Slack: {@value #EVENTS_PATH} is served from the start.
     */
    public void start() {
        app.start();
        log.info("Slack: {} is served{}; the Web API is checked in the background ({})", EVENTS_PATH,
                settings.socketMode() ? ", and Socket Mode connects once Slack answers" : "", settings);
        finishUnfinished();
        // A claim that stands first is acted on by its instance, even one Slack was answered 503 for.
        settler.scheduleWithFixedDelay(this::settleClaims, 0, SETTLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        probe.start();
    }

    private void settleClaims() {
        try {
            for (var taken : deliveries.settle()) {
                work(taken.getKey(), taken.getValue());
            }
        } catch (RuntimeException e) {
            log.error("cannot settle unconfirmed Slack delivery claims; trying again in {} s", SETTLE_EVERY.toSeconds(),
                    e);
        }
    }

    private void connectSocketMode() {
        if (!settings.socketMode() || socketMode != null) {
            return;
        }
        try {
            var socket = new SocketModeApp(settings.appToken(), app, SocketModeClient.Backend.JavaWebSocket);
            socket.startAsync();
            socketMode = socket;
            log.info("Slack: connected over Socket Mode");
        } catch (Exception e) {
            log.warn("cannot connect to Slack over Socket Mode yet ({}); trying again with the next check", e.getMessage());
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
        // Always followed: the contract in force says at each alert whether it has a channel.
        alertFeed = SlackFeed.alerts(bootstrapServers, alerts::on);
        alertFeed.start();
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

    /** Serving, and following the events when the notifier was started. */
    public boolean isRunning() {
        SlackFeed<?> f = feed;
        return !closed && (f == null || f.isRunning());
    }

    /**
     * What keeps Slack from working fully, for health: Slack's Web API out of reach (replies wait),
     * or the event log not followed (threads hear nothing). Empty when all is well. Neither stops a
     * patch from running, so health reports it as degraded, never as down.
     */
    public Optional<String> problem() {
        Optional<String> unreachable = link.problem().map(p -> p + " (" + outbox.waiting() + " waiting)");
        if (unreachable.isPresent()) {
            return unreachable;
        }
        SlackFeed<?> f = feed;
        return f != null && !f.isRunning() ? Optional.of("the Slack notifier is not following the event log")
                : Optional.empty();
    }

    /** Messages waiting to be sent to Slack. */
    public int outboxWaiting() {
        return outbox.waiting();
    }

    @Override
    public void close() {
        closed = true;
        settler.shutdownNow();
        probe.close();
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
