package io.tokenmonitor.exporter.sync;

import io.tokenmonitor.exporter.source.GatewayFlavor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sync's health as the self metrics and {@code /readyz} report it. Written by the sync thread,
 * read by scrapes.
 */
public final class IngestStatus {

    private volatile boolean up;
    private volatile boolean caughtUp;
    private volatile double lastSuccessSeconds;
    private volatile long lastLogCreatedAt;
    private volatile int openGaps;
    private volatile GatewayFlavor flavor;
    private final AtomicLong expiredGaps = new AtomicLong();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> overflow = new ConcurrentHashMap<>();

    void succeeded(double atSeconds, long newestCreatedAt, int gapsOpen) {
        up = true;
        lastSuccessSeconds = atSeconds;
        lastLogCreatedAt = Math.max(lastLogCreatedAt, newestCreatedAt);
        openGaps = gapsOpen;
    }

    void failed(String stage) {
        up = false;
        error(stage, 1);
    }

    void error(String stage, long count) {
        errors.computeIfAbsent(stage, s -> new AtomicLong()).addAndGet(count);
    }

    void labelOverflow(String label, long rows) {
        overflow.computeIfAbsent(label, l -> new AtomicLong()).addAndGet(rows);
    }

    /** Rows whose label value was folded into {@code __other__}, per label. */
    public Map<String, Long> labelOverflow() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        overflow.forEach((label, n) -> copy.put(label, n.get()));
        return copy;
    }

    void gapsExpired(int count) {
        expiredGaps.addAndGet(count);
    }

    void caughtUp() {
        caughtUp = true;
    }

    void flavor(GatewayFlavor detected) {
        flavor = detected;
    }

    /** True once the first backfill has reached the end of the source's table. */
    public boolean isCaughtUp() {
        return caughtUp;
    }

    public boolean isUp() {
        return up;
    }

    public double lastSuccessSeconds() {
        return lastSuccessSeconds;
    }

    public long lastLogCreatedAt() {
        return lastLogCreatedAt;
    }

    public int openGaps() {
        return openGaps;
    }

    public long expiredGaps() {
        return expiredGaps.get();
    }

    /** Errors per stage: {@code connect}, {@code read}, {@code row}, {@code write}, {@code prune}. */
    public Map<String, Long> errors() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        errors.forEach((stage, n) -> copy.put(stage, n.get()));
        return copy;
    }

    /** Null until the source's table has been seen. */
    public GatewayFlavor flavor() {
        return flavor;
    }
}
