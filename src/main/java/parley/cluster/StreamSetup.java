package parley.cluster;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import parley.log.Log;

/**
 * Makes sure the stream exists with this node's {@link Retention}. The first node to start
 * creates it; a later node with other retention settings updates it when it starts (the limits
 * are the stream's, shared by every node, so the last node started wins, and says so in its log).
 * After a reconnection the stream is only re-created if it is gone: nodes with different settings
 * must not take turns rewriting it at every NATS restart.
 */
final class StreamSetup {
    private StreamSetup() {}

    /**
     * Creates the stream, or updates it to {@code retention} if {@code update}; returns what it is
     * now (its creation time is the epoch).
     */
    static StreamInfo ensure(JetStreamManagement jsm, String stream, Retention retention, boolean update)
            throws IOException {
        try {
            StreamInfo info = jsm.getStreamInfo(stream);
            StreamConfiguration c = info.getConfiguration();
            if (!update || retention.appliedIn(c) && c.getAllowDirect() && c.getAllowRollup()) return info;
            Log.warn("cluster.stream_updated", "stream", stream, "max_age", c.getMaxAge(),
                    "max_msgs_per_subject", c.getMaxMsgsPerSubject(), "max_bytes", c.getMaxBytes(),
                    "duplicate_window", c.getDuplicateWindow(), "now", retention);
            StreamConfiguration updated = retention.applyTo(StreamConfiguration.builder(c))
                    .allowDirect(true).allowRollup(true).build();
            return jsm.updateStream(updated);
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() != 404) throw new IOException("cluster bus: " + e.getMessage(), e);
        }
        StreamConfiguration sc = retention.applyTo(StreamConfiguration.builder())
                .name(stream)
                .subjects(Subjects.POSTS + ">", Subjects.MARKERS + ">")
                .storageType(StorageType.File)
                .discardPolicy(DiscardPolicy.Old)
                .allowDirect(true)
                .allowRollup(true)
                .build();
        try {
            return jsm.addStream(sc);
        } catch (JetStreamApiException e) {
            // Another node may have created it in the meantime; that one is as good.
            try {
                return jsm.getStreamInfo(stream);
            } catch (JetStreamApiException again) {
                throw new IOException("cluster bus: cannot create stream " + stream + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The epoch of the stream's sequences: its creation time, which JetStream keeps with the
     * stream (across restarts, the same for every node that asks) and which is new only when
     * the stream is, i.e. exactly when its sequences start again.
     */
    static String epoch(StreamInfo info) {
        java.time.Instant created = info.getCreateTime().toInstant();
        long nanos = Math.addExact(Math.multiplyExact(created.getEpochSecond(), 1_000_000_000L), created.getNano());
        return "js-" + Long.toString(nanos, 36);
    }
}
