package io.patchbay.contracts.topic;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The one table of what a failed Kafka send or commit means, the way Kafka Streams'
 * {@code RecordCollectorImpl} reads a production error: fenced producers and security, version or
 * topic errors end the client ({@code isFatalException} and its fenced branch), a
 * {@link RetriableException} may pass, and what remains is the record's own fault. A patch's own
 * faults are a different table ({@code FailureClass}); nothing here is one.
 */
public final class KafkaErrors {

    /** What a failure says about trying again. */
    public enum Kind {
        /** Kafka was slow or briefly unreachable (timeouts, leader moves, too few replicas): the same send may pass. */
        RETRIABLE(true),
        /** The consumer's partitions moved in a rebalance: the commit is lost, the new owner is redelivered the records. */
        REASSIGNED(true),
        /**
         * This client can send or commit nothing more: fenced by a newer one, not authorised, a
         * protocol the broker lacks, a topic that cannot exist, a closed client. The record is not at
         * fault; the client must be replaced (or the configuration fixed).
         */
        CLIENT_FATAL(false),
        /** The record itself can never be taken (too large, not serialisable, invalid): sending it again only loops. */
        RECORD(false);

        private final boolean retriable;

        Kind(boolean retriable) {
            this.retriable = retriable;
        }

        /** True when the same client may succeed with the same record later. */
        public boolean retriable() {
            return retriable;
        }

        /** True when the record, not Kafka or the client, is at fault: another try of this record never helps. */
        public boolean recordsFault() {
            return this == RECORD;
        }
    }

    private KafkaErrors() {}

    /**
     * The kind of a failure from {@code send}, an acknowledgement's future or a commit; wrappers
     * ({@link ExecutionException}, {@link CompletionException}) are looked through. A
     * {@link java.util.concurrent.TimeoutException} from waiting on an acknowledgement is retriable,
     * like Kafka's own timeouts. A failure this table does not name is taken as retriable: it is
     * neither the record's known fault nor a known end of the client, and callers bound their retries.
     */
    public static Kind classify(Throwable failure) {
        Throwable t = unwrap(failure);
        // Record faults first: InvalidRecordException and RecordBatchTooLargeException are also
        // InvalidConfigurationExceptions, which the security errors below extend too.
        if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
                || t instanceof InvalidRecordException || t instanceof SerializationException) {
            return Kind.RECORD;
        }
        if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
                || t instanceof InvalidPidMappingException || t instanceof OutOfOrderSequenceException
                || t instanceof FencedInstanceIdException
                || t instanceof AuthenticationException || t instanceof AuthorizationException
                || t instanceof SecurityDisabledException || t instanceof UnsupportedVersionException
                || t instanceof InvalidTopicException || t instanceof IllegalStateException) {
            return Kind.CLIENT_FATAL;
        }
        if (t instanceof CommitFailedException || t instanceof RebalanceInProgressException) {
            return Kind.REASSIGNED;
        }
        if (t instanceof RetriableException || t instanceof java.util.concurrent.TimeoutException) {
            return Kind.RETRIABLE;
        }
        // Unnamed (UnknownServerException, a bare KafkaException): Streams hands these to its
        // production handler; here they count as passing, and every caller bounds or logs its retries.
        return Kind.RETRIABLE;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
