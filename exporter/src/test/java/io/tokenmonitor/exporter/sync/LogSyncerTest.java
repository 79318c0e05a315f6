package io.tokenmonitor.exporter.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.TestLog;
import io.tokenmonitor.exporter.model.IdGap;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.source.LogReader;
import io.tokenmonitor.exporter.source.SourceDialect;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSyncerTest {

    private static final Instant NOW = Instant.parse("2026-11-30T08:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private GatewayDatabase gateway;
    private LogSyncer syncer;

    @BeforeEach
    void openGateway() throws Exception {
        gateway = GatewayDatabase.create(Dialect.SQLITE, GatewayDatabase.Flavor.NEW_API, dir);
        syncer = syncerAt(NOW);
    }

    @AfterEach
    void dropGateway() throws Exception {
        gateway.close();
    }

    @Test
    void givenHoleBeforeRecentRow_whenRead_thenTheHoleIsAwaitedAsAGap() throws Exception {
        insertAt(NOW.getEpochSecond(), 3);
        gateway.execute("DELETE FROM logs WHERE id = 2"); // as if id 2 were allocated but not yet committed

        Batch batch = syncer.read(SyncPosition.start("test"));

        assertThat(batch.rows()).extracting(r -> r.row().id()).containsExactly(1L, 3L);
        assertThat(batch.next().lastId()).isEqualTo(3);
        assertThat(batch.next().gaps())
                .containsExactly(new IdGap(2, 2, NOW.plus(WINDOW).getEpochSecond()));
    }

    @Test
    void givenGapThatFills_whenReadAgain_thenTheRowIsReadOnceAndTheGapCloses() throws Exception {
        insertAt(NOW.getEpochSecond(), 3);
        gateway.execute("DELETE FROM logs WHERE id = 2");
        SyncPosition afterFirst = syncer.read(SyncPosition.start("test")).next();
        gateway.execute(
                "INSERT INTO logs (id, created_at, type, model_name, channel_id, prompt_tokens, quota) VALUES (2, "
                        + NOW.getEpochSecond() + ", 2, 'late', 1, 10, 10)");

        Batch second = syncer.read(afterFirst);

        assertThat(second.rows()).extracting(r -> r.row().id()).containsExactly(2L);
        assertThat(second.next().gaps()).isEmpty();
        assertThat(syncer.read(second.next()).rows()).isEmpty();
    }

    @Test
    void givenHoleAmongOldRows_whenRead_thenItIsNotAwaited() throws Exception {
        insertAt(NOW.minus(Duration.ofDays(3)).getEpochSecond(), 3);
        gateway.execute("DELETE FROM logs WHERE id = 2");

        Batch batch = syncer.read(SyncPosition.start("test"));

        assertThat(batch.next().gaps()).isEmpty();
    }

    @Test
    void givenGapOlderThanTheWindow_whenRead_thenItIsGivenUpAndCounted() throws Exception {
        SyncPosition withGap =
                new SyncPosition("test", 10, NOW.getEpochSecond(), List.of(new IdGap(5, 5, NOW.getEpochSecond() - 1)));

        Batch batch = syncer.read(withGap);

        assertThat(batch.next().gaps()).isEmpty();
        assertThat(batch.expiredGaps()).isEqualTo(1);
    }

    @Test
    void givenFoundIdsInsideAGap_whenCut_thenTheGapSplitsAroundThem() {
        List<IdGap> gaps = List.of(new IdGap(10, 20, 99), new IdGap(30, 30, 99));
        List<LogRow> found = List.of(rowWithId(10), rowWithId(15), rowWithId(30));

        assertThat(LogSyncer.withoutFound(gaps, found)).containsExactly(new IdGap(11, 14, 99), new IdGap(16, 20, 99));
    }

    @Test
    void givenFullBatch_whenRead_thenMoreIsSignalled() throws Exception {
        insertAt(NOW.getEpochSecond(), 150);
        LogSyncer small = new LogSyncer(
                reader(), Classifiers.uncapped(GatewayFlavor.NEW_API), 100, WINDOW, Clock.fixed(NOW, ZoneOffset.UTC));

        Batch first = small.read(SyncPosition.start("test"));
        Batch second = small.read(first.next());

        assertThat(first.full()).isTrue();
        assertThat(first.rows()).hasSize(100);
        assertThat(second.full()).isFalse();
        assertThat(second.rows()).hasSize(50);
    }

    private void insertAt(long createdAt, int count) throws Exception {
        java.util.List<TestLog> rows = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(TestLog.consume(createdAt, 1, "gpt-4o", 10, 5, 30));
        }
        gateway.insert(rows);
    }

    private LogSyncer syncerAt(Instant now) {
        return new LogSyncer(
                reader(), Classifiers.uncapped(GatewayFlavor.NEW_API), 1_000, WINDOW, Clock.fixed(now, ZoneOffset.UTC));
    }

    private LogReader reader() {
        return LogReader.open(Jdbi.create("jdbc:sqlite:" + gateway.sqlDsn()), SourceDialect.SQLITE);
    }

    private static LogRow rowWithId(long id) {
        return new LogRow(id, 0, 2, 0, "", "", "", 0, 0, 0, -1, false, 0, "", "", "", "", "", 0, LogRow.NO_TOKEN_ID);
    }
}
