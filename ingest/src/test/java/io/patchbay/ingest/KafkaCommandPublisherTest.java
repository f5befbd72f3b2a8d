package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class KafkaCommandPublisherTest {

    private static Command.Submit submit() {
        var patch = PatchReader.read(Samples.JSON.getBytes(StandardCharsets.UTF_8), PatchReader.Format.JSON, null)
                .withDefaultId();
        return new Command.Submit(patch, Submitter.http("ci"), Instant.parse("2026-11-22T10:00:00Z"));
    }

    @Test
    void publishesToTheCommandsTopicKeyedByDomainInTheSharedSerde() throws Exception {
        MockProducer<String, Command> producer = Samples.ackingProducer();
        var command = submit();

        new KafkaCommandPublisher(producer).publish(command);

        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo(Topics.COMMANDS);
            assertThat(r.key()).isEqualTo("main");
            byte[] wire = Topics.COMMAND.serializer().serialize(r.topic(), r.value());
            assertThat(Topics.COMMAND.deserializer().deserialize(r.topic(), wire)).isEqualTo(command);
        });
    }

    @Test
    void failsWhenKafkaDoesNotAcknowledgeInTime() {
        var publisher = new KafkaCommandPublisher(Samples.silentProducer(), Duration.ofMillis(100));

        assertThatThrownBy(() -> publisher.publish(submit()))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("did not acknowledge")
                .satisfies(e -> assertThat(((PublishException) e).retriable()).isTrue());
    }

    @Test
    void failsRetriablyWhenTheBrokerReportsAnError() {
        PublishException e = publishAndAnswer(new NotEnoughReplicasException("1 of 3 in sync"));
        assertThat(e.retriable()).isTrue();
        assertThat(e).hasMessageContaining("NotEnoughReplicasException");
    }

    @Test
    void failsForGoodWhenTheRecordIsTooLarge() {
        assertThat(publishAndAnswer(new RecordTooLargeException("too big")).retriable()).isFalse();
    }

    @Test
    void failsWhenSendItselfThrows() {
        MockProducer<String, Command> producer = Samples.ackingProducer();
        producer.sendException = new org.apache.kafka.common.errors.TimeoutException("no metadata");

        assertThatThrownBy(() -> new KafkaCommandPublisher(producer).publish(submit()))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("no metadata");
    }

    @Test
    void producerWaitsForAllReplicasIsIdempotentAndGivesUpWithinSeconds() {
        var config = KafkaCommandPublisher.producerConfig("127.0.0.1:9092");

        assertThat(config).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        assertThat((Integer) config.get(ProducerConfig.MAX_BLOCK_MS_CONFIG)).isBetween(1_000, 10_000);
        assertThat((Integer) config.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).isBetween(1_000, 10_000)
                .isGreaterThanOrEqualTo((Integer) config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
    }

    private static PublishException publishAndAnswer(RuntimeException brokerError) {
        MockProducer<String, Command> producer = Samples.silentProducer();
        var publisher = new KafkaCommandPublisher(producer, Duration.ofSeconds(10));
        CompletableFuture<Void> pending = CompletableFuture.runAsync(() -> {
            try {
                publisher.publish(submit());
            } catch (PublishException e) {
                throw new CompletionException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
        assertThat(producer.errorNext(brokerError)).isTrue();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(pending::join);
        assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(PublishException.class);
        return (PublishException) thrown.getCause();
    }

    @Test
    void refusesForGoodACommandLargerThanTheRecordsCarryAndSendsNothing() {
        var limits = new io.patchbay.contracts.topic.RecordLimits(io.patchbay.contracts.topic.RecordLimits.MIN_MAX_RECORD_BYTES);
        MockProducer<String, Command> producer = Samples.ackingProducer();
        var publisher = new KafkaCommandPublisher(producer, Duration.ofSeconds(1), limits);
        var small = submit();
        var big = new Command.Submit(small.patch().withTitle("t".repeat(limits.maxCommandBytes())), small.by(),
                small.at());

        assertThatThrownBy(() -> publisher.publish(big)).isInstanceOfSatisfying(PublishException.class, e -> {
            assertThat(e.retriable()).isFalse();
            assertThat(e.getCause()).isInstanceOf(RecordTooLargeException.class);
            assertThat(e).hasMessageContaining("over the " + limits.maxCommandBytes() + " bytes patchbay carries")
                    .hasMessageContaining("PATCHBAY_MAX_RECORD_BYTES");
        });
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void everyProducerSettingComesFromTheRecordLimit() {
        var limits = new io.patchbay.contracts.topic.RecordLimits(2 * 1024 * 1024);
        assertThat(KafkaCommandPublisher.producerConfig("127.0.0.1:1", limits))
                .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
    }
}
