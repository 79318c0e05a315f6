package io.tokenmonitor.exporter.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalCheckpointsTest {

    @TempDir
    Path dir;

    /**
     * A few commits stay far below the writer's automatic checkpoint (10,000 pages), so only the background
     * checkpoint copies them into the database file: within a few seconds every frame in the WAL is backfilled,
     * while the writer never ran a checkpoint inside a commit.
     */
    @Test
    void givenCommitsBelowTheAutomaticCheckpoint_thenTheBackgroundCheckpointCopiesThemWithinSeconds() throws Exception {
        Path file = dir.resolve("store.db");
        RowClassifier classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);
        try (Store store = Store.open(file)) {
            store.finishFirstBackfill();
            UsageTotals totals = UsageTotals.EMPTY;
            for (long id = 1; id <= 300; id += 100) {
                List<ClassifiedRow> batch = new ArrayList<>();
                for (long i = id; i < id + 100; i++) {
                    batch.add(classifier.classify(row(i)));
                }
                totals = store.commit(batch, new SyncPosition("s", id + 99, 1_000, List.of()), totals, 1L, 0, 0);
            }
            WalIndex committed = WalIndex.read(file);
            assertThat(committed.frames()).as("frames in the WAL").isPositive().isLessThan(10_000);

            long deadline = System.nanoTime() + 5_000_000_000L;
            WalIndex now = committed;
            while (now.backfilled() < committed.frames() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                now = WalIndex.read(file);
            }
            assertThat(now.backfilled())
                    .as("WAL frames copied into the database file 5 s after the last commit")
                    .isGreaterThanOrEqualTo(committed.frames());
        }
    }

    private static LogRow row(long id) {
        return new LogRow(
                id,
                1_000 + id,
                2,
                1,
                "alice",
                "default",
                "model-" + id % 40,
                500,
                120,
                30,
                2_000,
                false,
                (int) (id % 20),
                "default",
                "{}",
                "req-" + id,
                "127.0.0.1",
                "",
                0,
                LogRow.NO_TOKEN_ID);
    }

    /**
     * The head of the {@code -shm} file, as sqlite's wal.c lays it out in native byte order: {@code mxFrame} (frames
     * in the WAL) at byte 16 of the first {@code WalIndexHdr}, and {@code nBackfill} (frames already copied into the
     * database file) at byte 96, the first field of {@code WalCkptInfo} after the header's two 48-byte copies.
     */
    private record WalIndex(int frames, int backfilled) {
        static WalIndex read(Path file) throws IOException {
            try (FileChannel channel = FileChannel.open(file.resolveSibling(file.getFileName() + "-shm"))) {
                ByteBuffer head = ByteBuffer.allocate(100).order(ByteOrder.nativeOrder());
                channel.read(head, 0);
                return new WalIndex(head.getInt(16), head.getInt(96));
            }
        }
    }
}
