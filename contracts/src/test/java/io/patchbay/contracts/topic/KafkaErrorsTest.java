package io.patchbay.contracts.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.topic.KafkaErrors.Kind;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KafkaErrorsTest {

    static Stream<Arguments> table() {
        return Stream.of(
                // Kafka was slow or briefly away.
                Arguments.of(new TimeoutException("no metadata"), Kind.RETRIABLE),
                Arguments.of(new java.util.concurrent.TimeoutException("no ack"), Kind.RETRIABLE),
                Arguments.of(new NotEnoughReplicasException("1 of 3"), Kind.RETRIABLE),
                Arguments.of(new NotLeaderOrFollowerException("moved"), Kind.RETRIABLE),
                Arguments.of(new NetworkException("reset"), Kind.RETRIABLE),
                Arguments.of(new UnknownTopicOrPartitionException("not yet"), Kind.RETRIABLE),
                Arguments.of(new KafkaException("unnamed"), Kind.RETRIABLE),
                // The client is done: fenced, unauthorised, unsupported, closed.
                Arguments.of(new ProducerFencedException("newer"), Kind.CLIENT_FATAL),
                Arguments.of(new InvalidProducerEpochException("old epoch"), Kind.CLIENT_FATAL),
                Arguments.of(new OutOfOrderSequenceException("gap"), Kind.CLIENT_FATAL),
                Arguments.of(new FencedInstanceIdException("static member"), Kind.CLIENT_FATAL),
                Arguments.of(new TopicAuthorizationException("no ACL"), Kind.CLIENT_FATAL),
                Arguments.of(new ClusterAuthorizationException("no idempotent write"), Kind.CLIENT_FATAL),
                Arguments.of(new AuthorizationException("no"), Kind.CLIENT_FATAL),
                Arguments.of(new SaslAuthenticationException("bad password"), Kind.CLIENT_FATAL),
                Arguments.of(new UnsupportedVersionException("old broker"), Kind.CLIENT_FATAL),
                Arguments.of(new InvalidTopicException("bad name"), Kind.CLIENT_FATAL),
                Arguments.of(new IllegalStateException("producer closed"), Kind.CLIENT_FATAL),
                // The consumer's partitions moved.
                Arguments.of(new CommitFailedException("rebalanced"), Kind.REASSIGNED),
                Arguments.of(new RebalanceInProgressException("rebalancing"), Kind.REASSIGNED),
                // The record itself.
                Arguments.of(new RecordTooLargeException("too big"), Kind.RECORD),
                Arguments.of(new RecordBatchTooLargeException("too big"), Kind.RECORD),
                Arguments.of(new InvalidRecordException("bad crc"), Kind.RECORD),
                Arguments.of(new SerializationException("not JSON"), Kind.RECORD));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("table")
    void classifiesTheWayStreamsRecordCollectorDoes(Throwable failure, Kind kind) {
        assertThat(KafkaErrors.classify(failure)).isEqualTo(kind);
    }

    @ParameterizedTest(name = "{0} is {1} inside a future")
    @MethodSource("table")
    void looksThroughTheFuturesWrappers(Throwable failure, Kind kind) {
        assertThat(KafkaErrors.classify(new ExecutionException(failure))).isEqualTo(kind);
        assertThat(KafkaErrors.classify(new CompletionException(new ExecutionException(failure)))).isEqualTo(kind);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void onlyTheRecordsOwnFaultsAndAnEndedClientAreFinal(Throwable failure, Kind kind) {
        Kind k = KafkaErrors.classify(failure);
        assertThat(k.retriable()).isEqualTo(kind == Kind.RETRIABLE || kind == Kind.REASSIGNED);
        assertThat(k.recordsFault()).isEqualTo(kind == Kind.RECORD);
    }
}
