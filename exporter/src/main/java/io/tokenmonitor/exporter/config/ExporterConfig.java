package io.tokenmonitor.exporter.config;

import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.Env;
import io.tokenmonitor.common.config.HostPort;
import io.tokenmonitor.common.config.Secret;
import io.tokenmonitor.common.gateway.GatewayDsn;
import io.tokenmonitor.common.time.PromDuration;
import io.tokenmonitor.common.web.ConsoleLogin;
import io.tokenmonitor.exporter.model.AccountThresholds;
import io.tokenmonitor.exporter.model.Dimension;
import io.tokenmonitor.exporter.model.HistogramShape;
import io.tokenmonitor.exporter.source.SourceDsn;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The exporter's settings, read from environment variables (names as in the gateway and the
 * original Token Monitor; every secret also as {@code NAME_FILE}). Each bad value stops the program
 * at start with a message naming the variable.
 *
 * @param mainDsn the gateway's main database (channels, options); null in demo mode
 * @param logDsn where the logs table is ({@code LOG_SQL_DSN}, else the main database); null in demo mode
 * @param configFile the YAML file with budgets ({@code --config} or {@code CONFIG_FILE}); null for none
 * @param webConfigFile TLS and basic auth for /metrics ({@code --web.config.file} or {@code WEB_CONFIG_FILE}); null for plain HTTP
 * @param quotaPerUnit {@code QUOTA_PER_UNIT}; null to read the gateway's option
 * @param histogramShape {@code HISTOGRAM_STREAM} and {@code HISTOGRAM_BUCKETS}: how /metrics exposes the histograms
 * @param accessPassword {@code ACCESS_PASSWORD} (or {@code ACCESS_PASSWORD_FILE}): the rules console's login for the
 *     user {@code admin}, besides the web config's {@code basic_auth_users}; empty when not set
 * @param accountRefreshInterval {@code ACCOUNT_REFRESH_INTERVAL}: how often the gateway's tokens and users are read;
 *     {@link Duration#ZERO} when they are not read at all
 * @param accountThresholds {@code LOW_QUOTA_USD}, {@code LOW_QUOTA_RATIO}, {@code EXPIRY_WARNING},
 *     {@code ACCOUNT_SERIES_LIMIT}
 */
public record ExporterConfig(
        SourceDsn mainDsn,
        SourceDsn logDsn,
        InetSocketAddress listenAddress,
        Path storePath,
        Duration pollInterval,
        Duration retention,
        int batchSize,
        Duration lateCommitWindow,
        Path demoPath,
        int demoRowsPerSecond,
        Path configFile,
        Path webConfigFile,
        Duration channelRefreshInterval,
        Double quotaPerUnit,
        int maxModels,
        Duration budgetInterval,
        Set<Dimension> optionalLabels,
        int maxLabelValues,
        HistogramShape histogramShape,
        Optional<ConsoleLogin> accessPassword,
        Duration accountRefreshInterval,
        AccountThresholds accountThresholds) {

    public static final String DEFAULT_LISTEN_ADDRESS = "0.0.0.0:9466";
    public static final String DEFAULT_STORE_PATH = "data/token-monitor.db";
    public static final String DEFAULT_DEMO_STORE_PATH = "data/demo-token-monitor.db";
    public static final String DEFAULT_DEMO_PATH = "data/demo-gateway.db";
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    public static final int DEFAULT_BATCH_SIZE = 5_000;
    public static final Duration DEFAULT_LATE_COMMIT_WINDOW = Duration.ofMinutes(5);
    public static final int DEFAULT_DEMO_ROWS_PER_SECOND = 5;
    public static final Duration DEFAULT_CHANNEL_REFRESH_INTERVAL = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_MODELS = 500;
    public static final Duration DEFAULT_BUDGET_INTERVAL = Duration.ofSeconds(15);
    public static final int DEFAULT_MAX_LABEL_VALUES = 100;
    public static final Duration DEFAULT_ACCOUNT_REFRESH_INTERVAL = Duration.ofSeconds(60);
    public static final int MAX_ACCOUNT_SERIES_LIMIT = 10_000;

    private static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration MIN_RETENTION = Duration.ofHours(1);
    private static final int MIN_BATCH_SIZE = 100;
    private static final int MAX_BATCH_SIZE = 100_000;

    /**
     * Reads the settings from {@code env}; {@code demo} switches the source to the built-in demo gateway.
     * The command line's files come in through {@link #withCommandLine}.
     */
    public static ExporterConfig fromEnvironment(Map<String, String> env, boolean demo) {
        Settings s = new Settings(new Env(env));
        SourceDsn main = null;
        SourceDsn logs = null;
        if (!demo) {
            String sqlitePath = s.text("SQLITE_PATH", GatewayDsn.DEFAULT_SQLITE_PATH);
            String sqlDsn = s.secret("SQL_DSN");
            String databaseUrl = s.secret("DATABASE_URL");
            if (sqlDsn != null) {
                main = SourceDsn.parse("SQL_DSN", sqlDsn, sqlitePath);
            } else if (databaseUrl != null) {
                main = SourceDsn.parse("DATABASE_URL", databaseUrl, sqlitePath);
            } else {
                throw new ConfigException(
                        "SQL_DSN: not set; set it to the gateway's SQL_DSN (e.g. user:pass@tcp(db:3306)/new-api), "
                                + "or set DATABASE_URL, or run with --demo");
            }
            String logDsn = s.secret("LOG_SQL_DSN");
            logs = logDsn == null ? main : SourceDsn.parse("LOG_SQL_DSN", logDsn, sqlitePath);
        }
        Duration poll = s.positiveDuration("POLL_INTERVAL", DEFAULT_POLL_INTERVAL);
        if (poll.compareTo(MIN_POLL_INTERVAL) < 0) {
            throw new ConfigException(
                    "POLL_INTERVAL: " + PromDuration.format(poll) + " is too short; use at least 100ms");
        }
        Duration retention = s.duration("RETENTION", DEFAULT_RETENTION);
        if (retention.compareTo(MIN_RETENTION) < 0) {
            throw new ConfigException(
                    "RETENTION: " + PromDuration.format(retention) + " is too short; use at least 1h");
        }
        int batch = s.integer("SYNC_BATCH_SIZE", DEFAULT_BATCH_SIZE, MIN_BATCH_SIZE, MAX_BATCH_SIZE);
        // 0 is allowed: skipped ids are then not waited for (rows committed late are not synced).
        Duration lateCommit = s.duration("LATE_COMMIT_WINDOW", DEFAULT_LATE_COMMIT_WINDOW);
        Path store = Path.of(s.text("STORE_PATH", demo ? DEFAULT_DEMO_STORE_PATH : DEFAULT_STORE_PATH));
        String configFile = s.text("CONFIG_FILE", null);
        String webConfigFile = s.text("WEB_CONFIG_FILE", null);
        String quotaPerUnit = s.text("QUOTA_PER_UNIT", null);
        Double quota = null;
        if (quotaPerUnit != null) {
            try {
                quota = Double.parseDouble(quotaPerUnit);
            } catch (NumberFormatException e) {
                quota = -1.0;
            }
            if (quota <= 0) {
                throw new ConfigException("QUOTA_PER_UNIT: \"" + quotaPerUnit
                        + "\" is not a positive number; the gateway's default is 500000");
            }
        }
        return new ExporterConfig(
                main,
                logs,
                s.address("LISTEN_ADDRESS", DEFAULT_LISTEN_ADDRESS),
                store,
                poll,
                retention,
                batch,
                lateCommit,
                Path.of(s.text("DEMO_PATH", DEFAULT_DEMO_PATH)),
                s.integer("DEMO_ROWS_PER_SECOND", DEFAULT_DEMO_ROWS_PER_SECOND, 1, 10_000),
                configFile == null ? null : Path.of(configFile),
                webConfigFile == null ? null : Path.of(webConfigFile),
                s.positiveDuration("CHANNEL_REFRESH_INTERVAL", DEFAULT_CHANNEL_REFRESH_INTERVAL),
                quota,
                s.integer("MAX_MODELS", DEFAULT_MAX_MODELS, 1, 100_000),
                s.positiveDuration("BUDGET_INTERVAL", DEFAULT_BUDGET_INTERVAL),
                optionalLabels(s.text("OPTIONAL_LABELS", "")),
                s.integer("MAX_LABEL_VALUES", DEFAULT_MAX_LABEL_VALUES, 1, 10_000),
                new HistogramShape(
                        s.bool("HISTOGRAM_STREAM", HistogramShape.DEFAULT.stream()),
                        histogramBuckets(s.text("HISTOGRAM_BUCKETS", "standard"))),
                accessPassword(s),
                accountRefreshInterval(s),
                accountThresholds(s));
    }

    /** 0 switches the reading of tokens and users off; else at least a second (100,000 keys are read each time). */
    private static Duration accountRefreshInterval(Settings s) {
        Duration interval = s.duration("ACCOUNT_REFRESH_INTERVAL", DEFAULT_ACCOUNT_REFRESH_INTERVAL);
        if (!interval.isZero() && interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException("ACCOUNT_REFRESH_INTERVAL: " + PromDuration.format(interval)
                    + " is too short; use at least 1s, or 0 to stop reading the gateway's tokens and users");
        }
        return interval;
    }

    /** When a key or user is low or expiring, and how many get series of their own. */
    private static AccountThresholds accountThresholds(Settings s) {
        AccountThresholds d = AccountThresholds.DEFAULT;
        return new AccountThresholds(
                s.number("LOW_QUOTA_USD", d.lowQuotaUsd(), 0, Double.MAX_VALUE, "0 or more (USD)"),
                s.number("LOW_QUOTA_RATIO", d.lowQuotaRatio(), 0, 1, "a share from 0 to 1, e.g. 0.1"),
                s.duration("EXPIRY_WARNING", d.expiryWarning()),
                s.integer("ACCOUNT_SERIES_LIMIT", d.seriesLimit(), 0, MAX_ACCOUNT_SERIES_LIMIT));
    }

    /**
     * The original Token Monitor's single password, for the user {@code admin}. Not {@link ConsoleLogin#fromEnv}:
     * the exporter has no user/password pair of its own, its other users are the web config's.
     */
    private static Optional<ConsoleLogin> accessPassword(Settings s) {
        return Optional.ofNullable(s.secret(ConsoleLogin.ACCESS_PASSWORD))
                .map(password ->
                        new ConsoleLogin(ConsoleLogin.ACCESS_USER, new Secret(password), ConsoleLogin.ACCESS_PASSWORD));
    }

    /**
     * These settings with the command line's files, which win over {@code CONFIG_FILE} and {@code WEB_CONFIG_FILE}.
     *
     * @param configArg {@code --config}; null to keep {@code CONFIG_FILE}
     * @param webConfigArg {@code --web.config.file}; null to keep {@code WEB_CONFIG_FILE}
     */
    public ExporterConfig withCommandLine(String configArg, String webConfigArg) {
        return new ExporterConfig(
                mainDsn,
                logDsn,
                listenAddress,
                storePath,
                pollInterval,
                retention,
                batchSize,
                lateCommitWindow,
                demoPath,
                demoRowsPerSecond,
                configArg == null ? configFile : Path.of(configArg),
                webConfigArg == null ? webConfigFile : Path.of(webConfigArg),
                channelRefreshInterval,
                quotaPerUnit,
                maxModels,
                budgetInterval,
                optionalLabels,
                maxLabelValues,
                histogramShape,
                accessPassword,
                accountRefreshInterval,
                accountThresholds);
    }

    /** {@code HISTOGRAM_BUCKETS}: true for {@code fine} (every stored bound), false for {@code standard}. */
    private static boolean histogramBuckets(String text) {
        return switch (text) {
            case "standard" -> false;
            case "fine" -> true;
            default ->
                throw new ConfigException(
                        "HISTOGRAM_BUCKETS: \"" + text + "\" is not a bucket set; use standard or fine");
        };
    }

    private static Set<Dimension> optionalLabels(String text) {
        Set<Dimension> labels = EnumSet.noneOf(Dimension.class);
        for (String name : text.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            Dimension dimension = Dimension.ofLabel(name);
            if (dimension == null) {
                throw new ConfigException("OPTIONAL_LABELS: \"" + name.trim()
                        + "\" is not an optional label; use group, token_name, username");
            }
            labels.add(dimension);
        }
        return labels;
    }

    /** Typed access to the environment ({@link Env}: blank is unset, secrets also from {@code KEY_FILE}); errors name the variable. */
    private record Settings(Env env) {

        String text(String key, String fallback) {
            return env.get(key).orElse(fallback);
        }

        /** A secret from {@code KEY}, or from the file named by {@code KEY_FILE}; null when neither is set. */
        String secret(String key) {
            return env.secret(key).orElse(null);
        }

        Duration duration(String key, Duration fallback) {
            return env.get(key).map(value -> PromDuration.parse(key, value)).orElse(fallback);
        }

        /** A duration that must be more than 0 (an interval). */
        Duration positiveDuration(String key, Duration fallback) {
            return env.get(key)
                    .map(value -> PromDuration.parsePositive(key, value))
                    .orElse(fallback);
        }

        /** {@code true} or {@code false}, nothing else (the grammar of YamlSection.bool). */
        boolean bool(String key, boolean fallback) {
            return env.get(key)
                    .map(value -> switch (value) {
                        case "true" -> true;
                        case "false" -> false;
                        default -> throw new ConfigException(key + ": \"" + value + "\" is not true or false");
                    })
                    .orElse(fallback);
        }

        /** A decimal number in [min, max]; {@code range} says what is accepted. */
        double number(String key, double fallback, double min, double max, String range) {
            String value = text(key, null);
            if (value == null) {
                return fallback;
            }
            double parsed;
            try {
                parsed = Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(key + ": \"" + value + "\" is not a number; use " + range);
            }
            if (!(parsed >= min && parsed <= max)) {
                throw new ConfigException(key + ": " + value + " is out of range; use " + range);
            }
            return parsed;
        }

        int integer(String key, int fallback, int min, int max) {
            String value = text(key, null);
            if (value == null) {
                return fallback;
            }
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < min || parsed > max) {
                    throw new ConfigException(key + ": " + parsed + " is out of range; use " + min + " to " + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new ConfigException(key + ": \"" + value + "\" is not a whole number");
            }
        }

        InetSocketAddress address(String key, String fallback) {
            return HostPort.parse(key, text(key, fallback)).toSocketAddress();
        }
    }
}
