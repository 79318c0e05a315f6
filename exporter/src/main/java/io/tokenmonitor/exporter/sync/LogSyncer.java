package io.tokenmonitor.exporter.sync;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.IdGap;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.source.IdRange;
import io.tokenmonitor.exporter.source.LogReader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads what the store has not counted yet: rows after the position, and rows that appeared in a
 * gap (an id skipped because its insert had not committed when later ids were read). Does not
 * write; the caller commits the batch and its new position together.
 */
public final class LogSyncer {

    /** More open gaps than this means something other than late commits (e.g. auto_increment_increment > 1). */
    static final int MAX_OPEN_GAPS = 10_000;

    private final LogReader reader;
    private final RowClassifier classifier;
    private final int batchSize;
    private final Duration lateCommitWindow;
    private final Clock clock;

    public LogSyncer(
            LogReader reader, RowClassifier classifier, int batchSize, Duration lateCommitWindow, Clock clock) {
        this.reader = reader;
        this.classifier = classifier;
        this.batchSize = batchSize;
        this.lateCommitWindow = lateCommitWindow;
        this.clock = clock;
    }

    /** Reads the next batch after {@code position}. */
    public Batch read(SyncPosition position) {
        long now = clock.instant().getEpochSecond();
        List<IdGap> open = new ArrayList<>();
        int expired = 0;
        for (IdGap gap : position.gaps()) {
            if (gap.expiresAtSeconds() < now) {
                expired++;
            } else {
                open.add(gap);
            }
        }
        List<LogRow> found = recheck(open);
        List<IdGap> gaps = withoutFound(open, found);

        List<LogRow> fresh = reader.readAfter(position.lastId(), batchSize);
        long lastId = position.lastId();
        long lastCreatedAt = position.lastCreatedAt();
        long recentSince = now - lateCommitWindow.toSeconds();
        for (LogRow row : fresh) {
            // A hole before a recent row may be an insert still in flight; a hole among old rows is a
            // rollback or a deletion and is not worth waiting for.
            if (row.id() > lastId + 1 && row.createdAt() >= recentSince) {
                gaps.add(new IdGap(lastId + 1, row.id() - 1, now + lateCommitWindow.toSeconds()));
            }
            lastId = Math.max(lastId, row.id());
            lastCreatedAt = Math.max(lastCreatedAt, row.createdAt());
        }
        while (gaps.size() > MAX_OPEN_GAPS) {
            gaps.remove(0);
            expired++;
        }
        List<ClassifiedRow> rows = new ArrayList<>(found.size() + fresh.size());
        for (LogRow row : found) {
            rows.add(classifier.classify(row));
            lastCreatedAt = Math.max(lastCreatedAt, row.createdAt());
        }
        for (LogRow row : fresh) {
            rows.add(classifier.classify(row));
        }
        return new Batch(
                rows,
                new SyncPosition(position.source(), lastId, lastCreatedAt, gaps),
                fresh.size() >= batchSize,
                expired);
    }

    LogReader reader() {
        return reader;
    }

    /** The highest id in the source's table (for noticing ids that went back). */
    public long maxId() {
        return reader.maxId();
    }

    private List<LogRow> recheck(List<IdGap> gaps) {
        List<LogRow> found = new ArrayList<>();
        for (int i = 0; i < gaps.size(); i += LogReader.MAX_RANGES_PER_QUERY) {
            List<IdRange> ranges = gaps.subList(i, Math.min(gaps.size(), i + LogReader.MAX_RANGES_PER_QUERY)).stream()
                    .map(g -> new IdRange(g.fromId(), g.toId()))
                    .toList();
            found.addAll(reader.readRanges(ranges));
        }
        return found;
    }

    /** The gaps with the found ids cut out; a gap split by a found id becomes two. */
    static List<IdGap> withoutFound(List<IdGap> gaps, List<LogRow> found) {
        if (found.isEmpty()) {
            return new ArrayList<>(gaps);
        }
        TreeSet<Long> ids = new TreeSet<>();
        found.forEach(r -> ids.add(r.id()));
        List<IdGap> result = new ArrayList<>();
        for (IdGap gap : gaps) {
            long start = gap.fromId();
            for (long id : ids.subSet(gap.fromId(), true, gap.toId(), true)) {
                if (id > start) {
                    result.add(new IdGap(start, id - 1, gap.expiresAtSeconds()));
                }
                start = id + 1;
            }
            if (start <= gap.toId()) {
                result.add(new IdGap(start, gap.toId(), gap.expiresAtSeconds()));
            }
        }
        return result;
    }
}
