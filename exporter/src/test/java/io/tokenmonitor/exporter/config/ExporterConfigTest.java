package io.tokenmonitor.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.exporter.model.AccountThresholds;
import io.tokenmonitor.exporter.model.HistogramShape;
import io.tokenmonitor.exporter.source.SourceDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExporterConfigTest {

    @Test
    void givenOnlySqlDsn_whenRead_thenDefaultsApply() {
        ExporterConfig config = ExporterConfig.fromEnvironment(Map.of("SQL_DSN", "u:p@tcp(db:3306)/newapi"), false);

        assertThat(config.mainDsn().dialect()).isEqualTo(SourceDialect.MYSQL);
        assertThat(config.logDsn()).isEqualTo(config.mainDsn());
        assertThat(config.listenAddress().getPort()).isEqualTo(9466);
        assertThat(config.storePath()).isEqualTo(Path.of("data/token-monitor.db"));
        assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.retention()).isEqualTo(Duration.ofDays(30));
        assertThat(config.batchSize()).isEqualTo(5_000);
    }

    @Test
    void givenLogSqlDsn_whenRead_thenLogsComeFromIt() {
        ExporterConfig config = ExporterConfig.fromEnvironment(
                Map.of("SQL_DSN", "u:p@tcp(db:3306)/newapi", "LOG_SQL_DSN", "postgres://u:p@logs:5432/logs"), false);

        assertThat(config.logDsn().dialect()).isEqualTo(SourceDialect.POSTGRES);
        assertThat(config.mainDsn().dialect()).isEqualTo(SourceDialect.MYSQL);
    }

    @Test
    void givenDatabaseUrlOnly_whenRead_thenItIsTheMainDatabase() {
        ExporterConfig config =
                ExporterConfig.fromEnvironment(Map.of("DATABASE_URL", "mysql://u:p@db:3307/newapi"), false);

        assertThat(config.mainDsn().jdbcUrl()).startsWith("jdbc:mysql://db:3307/newapi?");
    }

    @Test
    void givenNoSource_whenRead_thenTheErrorNamesSqlDsn() {
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SQL_DSN: not set");
    }

    @Test
    void givenSecretInFile_whenRead_thenTheFileIsUsed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("dsn"), "u:secret@tcp(db:3306)/newapi\n");

        ExporterConfig config = ExporterConfig.fromEnvironment(Map.of("SQL_DSN_FILE", file.toString()), false);

        assertThat(config.mainDsn().password()).isEqualTo("secret");
    }

    @Test
    void givenBadValues_whenRead_thenEachErrorNamesItsVariable() {
        Map<String, String> base = Map.of("SQL_DSN", "u:p@tcp(db:3306)/newapi");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "POLL_INTERVAL", "10ms"), false))
                .hasMessageStartingWith("POLL_INTERVAL: 10ms is too short");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "RETENTION", "7"), false))
                .hasMessageStartingWith("RETENTION: \"7\" has no unit");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "SYNC_BATCH_SIZE", "ten"), false))
                .hasMessageStartingWith("SYNC_BATCH_SIZE: \"ten\" is not a whole number");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "LISTEN_ADDRESS", "9466"), false))
                .hasMessageStartingWith("LISTEN_ADDRESS: \"9466\" has no port");
        assertThatThrownBy(() ->
                        ExporterConfig.fromEnvironment(Map.of("SQL_DSN", "u:p@db/x", "SQL_DSN_FILE", "/x"), false))
                .hasMessageStartingWith("SQL_DSN: set either SQL_DSN or SQL_DSN_FILE");
    }

    @Test
    void givenZero_whenAnIntervalMustBePositive_thenItIsRefusedNamingTheKeyWhileAWindowMayBeZero() {
        Map<String, String> base = Map.of("SQL_DSN", "u:p@tcp(db:3306)/newapi");
        // Issue 10: "0" is a duration (Prometheus' grammar); the intervals refuse it in this loader.
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "POLL_INTERVAL", "0"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("POLL_INTERVAL: must be more than 0; write for example 30s");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "CHANNEL_REFRESH_INTERVAL", "0s"), false))
                .hasMessageStartingWith("CHANNEL_REFRESH_INTERVAL: must be more than 0");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "BUDGET_INTERVAL", "0"), false))
                .hasMessageStartingWith("BUDGET_INTERVAL: must be more than 0");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "RETENTION", "0"), false))
                .hasMessageStartingWith("RETENTION: 0s is too short");
        assertThat(ExporterConfig.fromEnvironment(with(base, "LATE_COMMIT_WINDOW", "0"), false)
                        .lateCommitWindow())
                .isZero();
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "LATE_COMMIT_WINDOW", "30m1h"), false))
                .hasMessageStartingWith("LATE_COMMIT_WINDOW: \"30m1h\" is not a duration");
    }

    @Test
    void givenHistogramSettings_whenRead_thenTheShapeFollowsThemAndBadValuesNameTheKey() {
        Map<String, String> base = Map.of("SQL_DSN", "u:p@tcp(db:3306)/newapi");
        assertThat(ExporterConfig.fromEnvironment(base, false).histogramShape()).isEqualTo(HistogramShape.DEFAULT);
        ExporterConfig old = ExporterConfig.fromEnvironment(
                with(with(base, "HISTOGRAM_STREAM", "true"), "HISTOGRAM_BUCKETS", "fine"), false);
        assertThat(old.histogramShape()).isEqualTo(HistogramShape.FINE_WITH_STREAM);
        assertThat(old.withCommandLine("a.yml", null).histogramShape()).isEqualTo(HistogramShape.FINE_WITH_STREAM);
        assertThat(ExporterConfig.fromEnvironment(with(base, "HISTOGRAM_BUCKETS", "standard"), false)
                        .histogramShape())
                .isEqualTo(HistogramShape.DEFAULT);
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "HISTOGRAM_STREAM", "yes"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("HISTOGRAM_STREAM: \"yes\" is not true or false");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "HISTOGRAM_BUCKETS", "coarse"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("HISTOGRAM_BUCKETS: \"coarse\" is not a bucket set; use standard or fine");
    }

    @Test
    void givenCommandLineFiles_whenApplied_thenTheyWinOverTheEnvironment() {
        ExporterConfig config = ExporterConfig.fromEnvironment(
                Map.of(
                        "SQL_DSN",
                        "u:p@tcp(db:3306)/newapi",
                        "CONFIG_FILE",
                        "env.yml",
                        "WEB_CONFIG_FILE",
                        "web-env.yml"),
                false);

        assertThat(config.withCommandLine("arg.yml", null).configFile()).isEqualTo(Path.of("arg.yml"));
        assertThat(config.withCommandLine("arg.yml", null).webConfigFile()).isEqualTo(Path.of("web-env.yml"));
        assertThat(config.withCommandLine(null, "web-arg.yml").webConfigFile()).isEqualTo(Path.of("web-arg.yml"));
    }

    @Test
    void givenDemo_whenRead_thenNoSourceIsNeededAndTheStoreIsSeparate() {
        ExporterConfig config = ExporterConfig.fromEnvironment(Map.of(), true);

        assertThat(config.mainDsn()).isNull();
        assertThat(config.storePath()).isEqualTo(Path.of("data/demo-token-monitor.db"));
    }

    @Test
    void givenNoAccountSettings_whenRead_thenTheDefaultsApply() {
        ExporterConfig config = ExporterConfig.fromEnvironment(Map.of("SQL_DSN", "u:p@tcp(db:3306)/newapi"), false);

        assertThat(config.accountRefreshInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.accountThresholds())
                .isEqualTo(new AccountThresholds(1, 0.1, Duration.ofHours(72), 100))
                .isEqualTo(AccountThresholds.DEFAULT);
    }

    @Test
    void givenAccountSettings_whenRead_thenTheyApplyAndBadValuesNameTheKey() {
        Map<String, String> base = Map.of("SQL_DSN", "u:p@tcp(db:3306)/newapi");
        ExporterConfig config = ExporterConfig.fromEnvironment(
                Map.of(
                        "SQL_DSN", "u:p@tcp(db:3306)/newapi",
                        "ACCOUNT_REFRESH_INTERVAL", "5m",
                        "LOW_QUOTA_USD", "2.5",
                        "LOW_QUOTA_RATIO", "0.2",
                        "EXPIRY_WARNING", "7d",
                        "ACCOUNT_SERIES_LIMIT", "20"),
                false);
        assertThat(config.accountRefreshInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.accountThresholds()).isEqualTo(new AccountThresholds(2.5, 0.2, Duration.ofDays(7), 20));
        assertThat(ExporterConfig.fromEnvironment(with(base, "ACCOUNT_REFRESH_INTERVAL", "0"), false)
                        .accountRefreshInterval())
                .as("0 switches the reading of tokens and users off")
                .isZero();

        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "ACCOUNT_REFRESH_INTERVAL", "100ms"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ACCOUNT_REFRESH_INTERVAL: 100ms is too short; use at least 1s, or 0");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "ACCOUNT_REFRESH_INTERVAL", "60"), false))
                .hasMessageStartingWith("ACCOUNT_REFRESH_INTERVAL: \"60\" has no unit");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "LOW_QUOTA_USD", "$1"), false))
                .hasMessageStartingWith("LOW_QUOTA_USD: \"$1\" is not a number");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "LOW_QUOTA_USD", "-1"), false))
                .hasMessageStartingWith("LOW_QUOTA_USD: -1 is out of range");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "LOW_QUOTA_RATIO", "10%"), false))
                .hasMessageStartingWith("LOW_QUOTA_RATIO: \"10%\" is not a number; use a share from 0 to 1");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "LOW_QUOTA_RATIO", "1.5"), false))
                .hasMessageStartingWith("LOW_QUOTA_RATIO: 1.5 is out of range");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "LOW_QUOTA_RATIO", "NaN"), false))
                .hasMessageStartingWith("LOW_QUOTA_RATIO: NaN is out of range");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "EXPIRY_WARNING", "3 days"), false))
                .hasMessageStartingWith("EXPIRY_WARNING: \"3 days\" has the unknown unit");
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(with(base, "ACCOUNT_SERIES_LIMIT", "20000"), false))
                .hasMessageStartingWith("ACCOUNT_SERIES_LIMIT: 20000 is out of range; use 0 to 10000");
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        java.util.HashMap<String, String> copy = new java.util.HashMap<>(base);
        copy.put(key, value);
        return copy;
    }
}
