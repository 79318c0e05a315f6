package io.tokenmonitor.exporter.metrics;

import io.tokenmonitor.exporter.model.UsageTotals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the usage families ({@link UsageFamily}, written by {@link UsageRenderer}) straight from
 * the in-memory totals, and caches the bytes. A busy gateway has about 50,000 lines for 20 channels
 * × 40 models; building client_java snapshots and writing them took 70 ms and more per scrape (and
 * gzip as much again), so the rendered (and gzipped) bytes are kept until the totals change, and
 * while someone scrapes, the variants they ask for are re-rendered in the background as the totals
 * change, so a scrape finds them ready. Everything is withheld until the first backfill caught up,
 * so the first sample of each series is the caught-up total.
 */
public final class UsageExposition {

    private static final Logger LOG = LoggerFactory.getLogger(UsageExposition.class);
    /** How often variants that were asked for recently are brought up to date in the background. */
    private static final Duration PRERENDER_EVERY = Duration.ofMillis(250);
    /** A variant nobody asked for in this long is no longer pre-rendered. */
    private static final Duration DEMAND_LASTS = Duration.ofMinutes(2);

    private final Supplier<UsageTotals> totals;
    private final BooleanSupplier ready;
    private final UsageRenderer renderer = new UsageRenderer();
    private final Map<Variant, Rendered> rendered = new ConcurrentHashMap<>();
    private final Map<Variant, Long> lastAskedNanos = new ConcurrentHashMap<>();

    /** What a scraper asked for: a format, gzipped or not. */
    private record Variant(TextFormat format, boolean gzip) {}

    private record Rendered(UsageTotals source, byte[] bytes) {}

    public UsageExposition(Supplier<UsageTotals> totals, BooleanSupplier ready) {
        this.totals = totals;
        this.ready = ready;
    }

    /** The usage families as UTF-8 bytes; empty while the first backfill runs. */
    public byte[] render(TextFormat format) {
        return bytes(new Variant(format, false));
    }

    /** The usage families as one gzip member (concatenated members are valid gzip); empty while the first backfill runs. */
    public byte[] renderGzip(TextFormat format) {
        return bytes(new Variant(format, true));
    }

    /** Keeps recently asked-for variants rendered as the totals change; runs on {@code scheduler} until it stops. */
    public void prerender(ScheduledExecutorService scheduler) {
        scheduler.scheduleWithFixedDelay(
                () -> {
                    long now = System.nanoTime();
                    try {
                        lastAskedNanos.forEach((variant, asked) -> {
                            if (now - asked < DEMAND_LASTS.toNanos()) {
                                current(variant);
                            }
                        });
                    } catch (RuntimeException e) {
                        // A failed pre-render must not end the schedule; the next scrape renders on its own.
                        LOG.warn("metrics: pre-rendering /metrics failed: {}", e.toString());
                    }
                },
                PRERENDER_EVERY.toMillis(),
                PRERENDER_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private byte[] bytes(Variant variant) {
        lastAskedNanos.put(variant, System.nanoTime());
        return current(variant);
    }

    private byte[] current(Variant variant) {
        if (!ready.getAsBoolean()) {
            return new byte[0];
        }
        UsageTotals now = totals.get();
        Rendered cached = rendered.get(variant);
        if (cached != null && cached.source() == now) {
            return cached.bytes();
        }
        byte[] bytes = renderer.write(now, variant.format()).toString().getBytes(StandardCharsets.UTF_8);
        if (variant.gzip()) {
            bytes = gzip(bytes);
        }
        rendered.put(variant, new Rendered(now, bytes));
        return bytes;
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 16 + 64);
        try (GZIPOutputStream zip = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED); // the text is very repetitive; more effort buys little
            }
        }) {
            zip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
