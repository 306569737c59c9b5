package parley.bench;

/**
 * What one selector thread's subscribers received. Written only by that thread; read by others
 * only after it has stopped, except the {@code live*} fields, which it publishes after each read
 * for the progress line and the straggler wait.
 */
final class SubscriberStats {
    final LatencyRecorder latency = new LatencyRecorder();
    final SequenceCheck.Totals sequence = new SequenceCheck.Totals();
    long measured;
    long warmup;
    long syncs;
    long lagNotices;
    long dropped;
    long errors;
    long malformed;
    String lastError;
    String lastMalformed;

    volatile long liveMeasured;
    volatile long liveDropped;
    volatile long liveLagNotices;

    void add(SubscriberStats o) {
        latency.add(o.latency);
        sequence.add(o.sequence);
        measured += o.measured;
        warmup += o.warmup;
        syncs += o.syncs;
        lagNotices += o.lagNotices;
        dropped += o.dropped;
        errors += o.errors;
        malformed += o.malformed;
        if (o.lastError != null) lastError = o.lastError;
        if (o.lastMalformed != null) lastMalformed = o.lastMalformed;
    }

    void publish() {
        liveMeasured = measured;
        liveDropped = dropped;
        liveLagNotices = lagNotices;
    }
}
