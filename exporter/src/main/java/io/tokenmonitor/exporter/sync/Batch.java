package io.tokenmonitor.exporter.sync;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import java.util.List;

/**
 * What one poll found: the rows to count and the position after them.
 *
 * @param full the read returned as many rows as it asked for, so more are waiting (backfill)
 * @param expiredGaps gaps given up in this poll because nothing filled them in time
 */
public record Batch(List<ClassifiedRow> rows, SyncPosition next, boolean full, int expiredGaps) {

    public Batch {
        rows = List.copyOf(rows);
    }
}
