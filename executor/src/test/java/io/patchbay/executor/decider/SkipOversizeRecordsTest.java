package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The decider's production handler, called as Kafka Streams 4.3 calls it from its record collector
 * ({@code handleError} for a failed send, {@code handleSerializationError} for a record that cannot
 * be serialised): what it drops, and what it lets fail the task so that the transaction aborts.
 */
class SkipOversizeRecordsTest {

    /** Where the record that failed came from: a command of the decider's input. */
    private record Source(String topic, int partition, long offset) implements ErrorHandlerContext {
        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "decide";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition);
        }

        @Override
        public long timestamp() {
            return 0;
        }

        @Override
        public byte[] sourceRawKey() {
            return "main".getBytes();
        }

        @Override
        public byte[] sourceRawValue() {
            return new byte[0];
        }
    }

    private static final Source SOURCE = new Source("patchbay.commands", 3, 41);
    private static final ProducerRecord<byte[], byte[]> HUGE =
            new ProducerRecord<>("patchbay-decider-state-changelog", "main".getBytes(), new byte[3_000_000]);

    private final SkipOversizeRecords handler = new SkipOversizeRecords();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(SkipOversizeRecords.class);

    @BeforeEach
    void listen() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(logged);
    }

    private List<String> errors() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.ERROR).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void recordTooLargeIsDroppedAndLoggedWithItsSizeAndWhereItCameFrom() {
        Response r = handler.handleError(SOURCE, HUGE,
                new RecordTooLargeException("The message is 3000100 bytes when serialized"));

        assertThat(r.result()).isEqualTo(Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).isEmpty();
        assertThat(errors()).singleElement().satisfies(m -> assertThat(m).contains("dropping a record of 3000000 bytes")
                .contains("patchbay-decider-state-changelog").contains("patchbay.commands-3@41")
                .contains("3000100 bytes when serialized"));
    }

    @Test
    void recordThatCannotBeSerialisedIsDroppedAndLogged() {
        var record = new ProducerRecord<Object, Object>("patchbay.events", "main", new Object());

        Response r = handler.handleSerializationError(SOURCE, record, new SerializationException("cannot write Object"),
                SerializationExceptionOrigin.VALUE);

        assertThat(r.result()).isEqualTo(Result.RESUME);
        assertThat(errors()).singleElement().satisfies(m -> assertThat(m).contains("cannot be serialised")
                .contains("patchbay.events").contains("VALUE").contains("cannot write Object"));
    }

    @Test
    void aKeyThatCannotBeSerialisedIsDroppedToo() {
        Response r = handler.handleSerializationError(SOURCE, new ProducerRecord<>("patchbay.events", null, "v"),
                new ClassCastException("not a String"), SerializationExceptionOrigin.KEY);

        assertThat(r.result()).isEqualTo(Result.RESUME);
    }

    @Test
    void sendTimeoutFailsTheTaskSoTheTransactionAborts() {
        Response r = handler.handleError(SOURCE, HUGE, new TimeoutException("Expiring 1 record(s) after 120000 ms"));

        assertThat(r.result()).isEqualTo(Result.FAIL);
        assertThat(errors()).isEmpty();
    }

    @Test
    void authorizationErrorFailsTheTask() {
        assertThat(handler.handleError(SOURCE, HUGE, new TopicAuthorizationException("not allowed")).result())
                .isEqualTo(Result.FAIL);
        assertThat(handler.handleError(SOURCE, HUGE, new AuthorizationException("denied")).result())
                .isEqualTo(Result.FAIL);
    }

    @Test
    void fencedProducerFailsTheTask() {
        assertThat(handler.handleError(SOURCE, HUGE, new ProducerFencedException("fenced")).result())
                .isEqualTo(Result.FAIL);
    }
}
