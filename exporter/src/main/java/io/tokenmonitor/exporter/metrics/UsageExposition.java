package io.tokenmonitor.exporter.metrics;

import io.tokenmonitor.exporter.model.HistogramShape;
import io.tokenmonitor.exporter.model.UsageTotals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Serves the usage families ({@link UsageFamily}, written by {@link UsageRenderer}) straight from
 * the in-memory totals, rendered when a scrape asks and not before. A busy gateway has about 50,000
 * lines (5 MB) for 20 channels × 40 models, so the bytes of each variant (format, gzipped or not)
 * are kept until the totals change: a scrape of unchanged totals costs a lookup, and scrapes that
 * arrive together while a variant is being rendered wait for that one render instead of each doing
 * their own. Nothing renders in the background: a poll that changes the totals every second costs
 * nothing here until Prometheus comes, once per scrape interval. Everything is withheld until the
 * first backfill caught up, so the first sample of each series is the caught-up total.
 */
public final class UsageExposition {

    private final Supplier<UsageTotals> totals;
    private final BooleanSupplier ready;
    private final BiFunction<UsageTotals, TextFormat, CharSequence> renderer;
    // One slot per variant (format, plain or gzipped); its monitor makes concurrent scrapes share a render.
    private final Map<TextFormat, Slot> plain = new EnumMap<>(TextFormat.class);
    private final Map<TextFormat, Slot> gzipped = new EnumMap<>(TextFormat.class);

    /** The bytes of one variant and the totals (the very object) they were rendered from. */
    private record Rendered(UsageTotals source, byte[] bytes) {}

    private static final class Slot {
        private volatile Rendered rendered;
    }

    public UsageExposition(Supplier<UsageTotals> totals, BooleanSupplier ready) {
        this(totals, ready, HistogramShape.DEFAULT);
    }

    /** @param shape which labels and buckets the histograms are exposed with ({@code HISTOGRAM_STREAM}, {@code HISTOGRAM_BUCKETS}) */
    public UsageExposition(Supplier<UsageTotals> totals, BooleanSupplier ready, HistogramShape shape) {
        this(totals, ready, new UsageRenderer(shape)::write);
    }

    /** @param renderer writes the usage families of a totals value in a format (a test counts its calls) */
    UsageExposition(
            Supplier<UsageTotals> totals,
            BooleanSupplier ready,
            BiFunction<UsageTotals, TextFormat, CharSequence> renderer) {
        this.totals = totals;
        this.ready = ready;
        this.renderer = renderer;
        for (TextFormat format : TextFormat.values()) {
            plain.put(format, new Slot());
            gzipped.put(format, new Slot());
        }
    }

    /** The usage families as UTF-8 bytes; empty while the first backfill runs. */
    public byte[] render(TextFormat format) {
        return bytes(plain.get(format), format, false);
    }

    /** The usage families as one gzip member (concatenated members are valid gzip); empty while the first backfill runs. */
    public byte[] renderGzip(TextFormat format) {
        return bytes(gzipped.get(format), format, true);
    }

    private byte[] bytes(Slot slot, TextFormat format, boolean gzip) {
        if (!ready.getAsBoolean()) {
            return new byte[0];
        }
        UsageTotals asked = totals.get();
        Rendered cached = slot.rendered;
        if (cached != null && cached.source() == asked) {
            return cached.bytes();
        }
        synchronized (slot) {
            // A scrape that waited here for another's render takes its bytes when they are of the totals
            // this scrape saw on arrival, or of the current ones: nothing newer was committed before it came.
            UsageTotals now = totals.get();
            cached = slot.rendered;
            if (cached != null && (cached.source() == asked || cached.source() == now)) {
                return cached.bytes();
            }
            byte[] bytes = renderer.apply(now, format).toString().getBytes(StandardCharsets.UTF_8);
            if (gzip) {
                bytes = gzip(bytes);
            }
            slot.rendered = new Rendered(now, bytes);
            return bytes;
        }
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
