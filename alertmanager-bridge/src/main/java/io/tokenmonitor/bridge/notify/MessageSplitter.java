package io.tokenmonitor.bridge.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Packs rendered lines into parts under a platform's size budget, measured in the platform's own unit
 * (Telegram: characters, WeCom: UTF-8 bytes). Cuts only between lines, so markup is never split, and numbers
 * the parts "(1/3)" when there is more than one.
 */
public final class MessageSplitter {
    /** Room kept for the "(12/12) " part marker. */
    private static final int MARKER_RESERVE = 16;

    /**
     * Parts per message at most; what does not fit is counted in a last line. Each part is one queued send to a
     * rate-limited platform (Telegram: 20 a minute), so an unbounded message would delay every alert after it.
     */
    static final int MAX_PARTS = 10;

    /** Room kept in the last part for the "lines not shown" note. */
    private static final int NOTE_RESERVE = 96;

    private final ToIntFunction<String> measure;
    private final int budget;

    public MessageSplitter(ToIntFunction<String> measure, int budget) {
        this.measure = measure;
        this.budget = budget;
    }

    /** Returns the parts; a single line larger than the budget is cut at the budget as a last resort. */
    public List<String> split(List<String> lines) {
        int room = budget - MARKER_RESERVE;
        List<StringBuilder> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int used = 0;
        int hidden = 0;
        for (String raw : lines) {
            for (String line : fit(raw, room)) {
                if (hidden > 0) {
                    hidden++;
                    continue;
                }
                int size = measure.applyAsInt(line) + 1;
                int limit = parts.size() == MAX_PARTS - 1 ? room - NOTE_RESERVE : room;
                if (used > 0 && used + size > limit) {
                    if (parts.size() == MAX_PARTS - 1) {
                        hidden = 1;
                        continue;
                    }
                    parts.add(current);
                    current = new StringBuilder();
                    used = 0;
                }
                if (used > 0) {
                    current.append('\n');
                }
                current.append(line);
                used += size;
            }
        }
        if (hidden > 0) {
            // Plain ASCII digits and words: safe in every platform's markup without escaping.
            String n = String.format(java.util.Locale.ROOT, "%,d", hidden);
            current.append("\n… ")
                    .append(n)
                    .append(" more lines not shown / 另有 ")
                    .append(n)
                    .append(" 行未显示");
        }
        if (used > 0 || parts.isEmpty()) {
            parts.add(current);
        }
        List<String> out = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            out.add(
                    parts.size() == 1
                            ? parts.get(i).toString()
                            : "(" + (i + 1) + "/" + parts.size() + ") " + parts.get(i));
        }
        return out;
    }

    private List<String> fit(String line, int room) {
        if (measure.applyAsInt(line) <= room) {
            return List.of(line);
        }
        // Only reachable for a line the layout did not chunk; better a cut line than a lost message.
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < line.length()) {
            int end = line.length();
            while (end > start + 1 && measure.applyAsInt(line.substring(start, end)) > room) {
                end = start + Math.max(1, (end - start) * 3 / 4);
            }
            if (end < line.length() && Character.isHighSurrogate(line.charAt(end - 1)) && end - 1 > start) {
                end--;
            }
            pieces.add(line.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
