package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.ingest.KafkaCommandPublisher;
import io.patchbay.ingest.Samples;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Socket Mode against a local WebSocket server speaking Slack's Socket Mode envelopes. */
class SlackSocketModeTest {

    @TempDir
    Path state;

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch listening = new CountDownLatch(1);
    private FakeSlack slack;
    private WebSocketServer socket;
    private SlackService service;

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (socket != null) {
            socket.stop(1000);
        }
        if (slack != null) {
            slack.close();
        }
    }

    private static String envelope(String id, String payload) {
        return "{\"envelope_id\":\"" + id + "\",\"payload\":" + payload
                + ",\"type\":\"events_api\",\"accepts_response_payload\":false,\"retry_attempt\":0,\"retry_reason\":\"\"}";
    }

    /** A Socket Mode endpoint that sends {@code envelopes} to whoever connects, and a service that connects to it. */
    private MockProducer<String, Command> serve(DeliveryClaims.Board claims, String... envelopes) throws Exception {
        socket = new WebSocketServer(new InetSocketAddress("127.0.0.1", 0)) {
            @Override
            public void onOpen(WebSocket conn, ClientHandshake handshake) {
                conn.send("{\"type\":\"hello\",\"num_connections\":1,\"debug_info\":{\"host\":\"applink-test\","
                        + "\"build_number\":1,\"approximate_connection_time\":18060},\"connection_info\":{\"app_id\":\"A1\"}}");
                for (String e : envelopes) {
                    conn.send(e);
                }
            }

            @Override
            public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

            @Override
            public void onMessage(WebSocket conn, String message) {
                received.add(message);
            }

            @Override
            public void onError(WebSocket conn, Exception ex) {}

            @Override
            public void onStart() {
                listening.countDown();
            }
        };
        socket.start();
        assertThat(listening.await(10, TimeUnit.SECONDS)).isTrue();
        slack = new FakeSlack();
        slack.socketUrl = "ws://127.0.0.1:" + socket.getPort() + "/";
        MockProducer<String, Command> producer = Samples.ackingProducer();
        SlackSettings settings = SlackServiceTest.settings(slack, state);
        settings = new SlackSettings(null, settings.botToken(), "xapp-1-test", state,
                settings.apiUrl(), settings.fileUrlPrefixes(), settings.perChannelInterval(), settings.outboxCapacity(),
                settings.maxAttempts(), settings.maxFileBytes(), null);
        service = new SlackService(settings, SlackContracts::standard, new KafkaCommandPublisher(producer),
                Clock.systemUTC());
        if (claims != null) {
            service.shareDeliveries(claims);
        }
        service.start();
        return producer;
    }

    @Test
    void anEventWhoseSharedClaimIsUnconfirmedIsTakenHereSinceSocketModeCannotAskForItAgain() throws Exception {
        String event = SlackServiceTest.eventCallback("EvSock2", SlackServiceTest.message(SlackServiceTest.ALICE,
                SlackServiceTest.MAIN_CHANNEL, "1700000000.002100", SlackServiceTest.codeBlock(Samples.DIFF)));

        MockProducer<String, Command> producer = serve(DeliveryClaimsTest.unconfirmed(null), envelope("env-2", event));

        await().atMost(Duration.ofSeconds(15)).until(() -> producer.history().size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch(m -> m.contains("env-2")));
    }

    @Test
    void takesEventsOverSocketModeAndAcknowledgesEachEnvelope() throws Exception {
        String event = SlackServiceTest.eventCallback("EvSock1", SlackServiceTest.message(SlackServiceTest.ALICE,
                SlackServiceTest.MAIN_CHANNEL, "1700000000.002000", SlackServiceTest.codeBlock(Samples.DIFF)));
        // Slack may deliver an envelope twice.
        MockProducer<String, Command> producer = serve(null, envelope("env-1", event), envelope("env-1", event));

        await().atMost(Duration.ofSeconds(15)).until(() -> producer.history().size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().filter(m -> m.contains("env-1")).count() == 2);
        assertThat(Json.mapper().readTree(received.get(0)).get("envelope_id").asText()).isEqualTo("env-1");
        assertThat(((Command.Submit) producer.history().get(0).value()).by())
                .extracting(Submitter::channel, Submitter::id).containsExactly("slack", SlackServiceTest.ALICE);
        assertThat(slack.calls("apps.connections.open")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.authorization()).isEqualTo("Bearer xapp-1-test"));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.calls("chat.postMessage").stream()
                .anyMatch(c -> "1700000000.002000".equals(c.field("thread_ts"))));
        assertThat(producer.history()).hasSize(1);
        assertThat(service.isRunning()).isTrue();
    }
}
