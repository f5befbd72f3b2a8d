package io.patchbay.app;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.SupportedVersionRange;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.server.common.TransactionVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the embedded broker to {@code transaction.version} 2 (KIP-890). A log formatted by an
 * earlier patchbay may be at a lower level, and a feature level is kept in the log, not taken from
 * the binary: without this the broker would run the older transaction protocol for ever, under which
 * a producer killed at the wrong moment can leave a transaction open on a partition that no
 * coordinator knows of. At level 2 the broker itself adds each partition to its transaction.
 */
final class TransactionVersionUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionVersionUpgrade.class);
    static final String FEATURE = TransactionVersion.FEATURE_NAME;
    static final short WANTED = TransactionVersion.TV_2.featureLevel();
    private static final long TIMEOUT_MS = 30_000;

    private TransactionVersionUpgrade() {}

    /**
     * Raises the cluster's finalized level to {@link #WANTED} when it is lower and the broker supports it.
     * A failure is logged and the broker runs on at its level: that is how it ran before, and a start
     * should not fail over it.
     */
    static void ensure(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "patchbay-feature-levels",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS))) {
            FeatureMetadata features = admin.describeFeatures().featureMetadata().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            short finalized = finalizedLevel(features);
            if (finalized >= WANTED) {
                LOG.info("Kafka runs {} {}", FEATURE, finalized);
                return;
            }
            SupportedVersionRange supported = features.supportedFeatures().get(FEATURE);
            if (supported == null || supported.maxVersion() < WANTED) {
                LOG.warn("Kafka runs {} {} and this broker supports at most {}: transactions stay on the older protocol",
                        FEATURE, finalized, supported == null ? 0 : supported.maxVersion());
                return;
            }
            LOG.info("Kafka runs {} {} (its log was formatted so); raising it to {}", FEATURE, finalized, WANTED);
            admin.updateFeatures(Map.of(FEATURE, new FeatureUpdate(WANTED, FeatureUpdate.UpgradeType.UPGRADE)),
                    new UpdateFeaturesOptions()).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            LOG.info("Kafka now runs {} {}", FEATURE, WANTED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while checking {}; it stays as it was", FEATURE);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOG.warn("could not raise {} to {}; transactions stay on the level the log was formatted at: {}", FEATURE,
                    WANTED, cause.toString());
        }
    }

    /** The finalized level; a feature at level 0 is not listed at all. */
    static short finalizedLevel(FeatureMetadata features) {
        FinalizedVersionRange range = features.finalizedFeatures().get(FEATURE);
        return range == null ? 0 : range.maxVersionLevel();
    }
}
