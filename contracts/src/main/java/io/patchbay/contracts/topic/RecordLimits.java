package io.patchbay.contracts.topic;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The largest record patchbay writes, configured once; every size limit of the pipeline derives
 * from it: the broker's {@code message.max.bytes}, every topic's {@code max.message.bytes} (Streams'
 * changelogs and repartition topics included), every producer's {@code max.request.size}, every
 * consumer's fetch sizes, the inbox's, spool's and Slack's input limits, and the largest
 * {@code limits.patchBytes} a contract may allow.
 *
 * <p>A patch travels whole in several records: the Submit command, the Submitted event, the
 * decider's patch record in its changelog and the work order. Each carries it once, as JSON, next
 * to an envelope of ids, submitter, timestamps and hashes that {@link #ENVELOPE_BYTES} bounds.
 *
 * @param maxRecordBytes the largest record, in bytes, that any patchbay producer sends
 */
public record RecordLimits(int maxRecordBytes) {

    /** Eight MiB: patches of about 2.6 MB, well inside what a default Kafka heap handles. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024;
    /** The smallest limit that still leaves room for a useful patch beside the envelope. */
    public static final int MIN_MAX_RECORD_BYTES = 256 * 1024;
    /** Beyond this the JVM's array limits and Kafka's own buffers become the problem. */
    public static final int MAX_MAX_RECORD_BYTES = 512 * 1024 * 1024;
    /** The environment variable (and {@code patchbay up} option) that sets {@link #maxRecordBytes}. */
    public static final String ENV = "PATCHBAY_MAX_RECORD_BYTES";
    /**
     * Room for everything a record carries beside the patch: ids, submitter, timestamps, hashes,
     * the verdict's violations, gate results and the summary of a result (the contract's
     * {@code outputBytes} bounds each command's and gate's output, and the worker's output budget,
     * derived from {@link #maxRecordBytes}, bounds one patch's outputs in all).
     */
    public static final int ENVELOPE_BYTES = 128 * 1024;
    /**
     * How much a diff can grow on its way into a record: JSON escaping at most doubles text made of
     * newlines, tabs, quotes and backslashes, and base64 of a diff that is not UTF-8 adds a third.
     * Three covers either with room. The rarer control characters that JSON writes as six bytes are
     * caught where it matters: ingest measures the serialised command before it sends it.
     */
    public static final int GROWTH_FACTOR = 3;
    /** Kafka's own default {@code fetch.max.bytes}; kept when the record limit is smaller. */
    private static final int KAFKA_FETCH_MAX_BYTES = 50 * 1024 * 1024;

    public static final RecordLimits DEFAULT = new RecordLimits(DEFAULT_MAX_RECORD_BYTES);

    public RecordLimits {
        if (maxRecordBytes < MIN_MAX_RECORD_BYTES || maxRecordBytes > MAX_MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("the largest record must be between " + MIN_MAX_RECORD_BYTES + " and "
                    + MAX_MAX_RECORD_BYTES + " bytes, not " + maxRecordBytes);
        }
    }

    /** {@value #ENV} from the environment, else the default. */
    public static RecordLimits fromEnv(Map<String, String> env) {
        String v = env.get(ENV);
        if (v == null || v.isBlank()) {
            return DEFAULT;
        }
        try {
            return new RecordLimits(Integer.parseInt(v.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ENV + " must be a number of bytes, not '" + v + "'", e);
        }
    }

    /**
     * The largest diff or file content a patch may carry: what is left of a record beside the
     * envelope, divided by the {@link #GROWTH_FACTOR}. A contract's {@code limits.patchBytes} may not
     * exceed it, and raw diffs (spool files, Slack files) above it are refused at the door.
     */
    public int maxPatchBytes() {
        return (maxRecordBytes - ENVELOPE_BYTES) / GROWTH_FACTOR;
    }

    /**
     * The largest serialised Submit command ingest sends, and so the largest JSON body the inbox
     * reads: the decider's records carry the same patch plus at most the envelope.
     */
    public int maxCommandBytes() {
        return maxRecordBytes - ENVELOPE_BYTES;
    }

    /** These limits lowered to what a cluster accepts, or unchanged when it accepts more. */
    public RecordLimits atMost(int clusterLimit) {
        return clusterLimit >= maxRecordBytes ? this : new RecordLimits(clusterLimit);
    }

    /** The producer settings for every plain producer (Streams takes them with its producer prefix). */
    public Map<String, Object> producerConfig() {
        return Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes);
    }

    /**
     * The consumer settings for every consumer: one record of the largest size can always be
     * fetched in one request, so nobody stalls behind it.
     */
    public Map<String, Object> consumerConfig() {
        return Map.of(
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxRecordBytes,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(KAFKA_FETCH_MAX_BYTES, maxRecordBytes));
    }

    /**
     * The settings for a Kafka Streams application: its producer, its consumers (main, restore and
     * global) and the changelog and repartition topics it creates. Written with Streams' prefixes as
     * strings, since this module does not depend on Streams.
     */
    public Map<String, Object> streamsConfig() {
        var out = new java.util.LinkedHashMap<String, Object>();
        producerConfig().forEach((k, v) -> out.put("producer." + k, v));
        for (String consumer : java.util.List.of("main.consumer.", "restore.consumer.", "global.consumer.")) {
            consumerConfig().forEach((k, v) -> out.put(consumer + k, v));
        }
        topicConfig().forEach((k, v) -> out.put("topic." + k, v));
        return out;
    }

    /** The topic setting for every topic patchbay or Streams creates. */
    public Map<String, String> topicConfig() {
        return Map.of("max.message.bytes", String.valueOf(maxRecordBytes));
    }
}
