package io.patchbay.executor.decider;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line behind {@link RecordSizes}: a record Kafka still refuses as too large, or one that
 * cannot be serialised, is logged and dropped instead of failing the task, which with the default
 * handler shuts down the whole Streams client and every domain with it. Anything else (the broker
 * gone, a fenced producer) fails as before, so that the transaction aborts and nothing half-written
 * survives.
 */
public final class SkipOversizeRecords implements ProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(SkipOversizeRecords.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            log.error("dropping a record of {} bytes for {} (from {}-{}@{}): {}",
                    record.value() == null ? 0 : record.value().length, record.topic(), context.topic(),
                    context.partition(), context.offset(), exception.getMessage());
            return Response.resume();
        }
        return Response.fail();
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        log.error("dropping a record for {} that cannot be serialised ({} of input {}-{}@{}): {}", record.topic(),
                origin, context.topic(), context.partition(), context.offset(), exception.toString());
        return Response.resume();
    }

    @Override
    public void configure(Map<String, ?> configs) {}
}
