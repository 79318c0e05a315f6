package io.tokenmonitor.common.sqlite;

import io.tokenmonitor.common.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Opens a program's own SQLite database file (the exporter's store, the bridge's state) the same way in both. */
public final class SqliteDatabase {
    private SqliteDatabase() {}

    /**
     * A data source for {@code file} in WAL mode with {@code options}, creating the file's directory if needed.
     *
     * @param key the setting that named the file ({@code STORE_PATH}, {@code STATE_PATH}), for the message
     * @throws ConfigException naming {@code key} when the directory cannot be created
     */
    public static SQLiteDataSource dataSource(String key, Path file, SqliteOptions options) {
        Path absolute = file.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent != null) {
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new ConfigException(key + ": cannot create the directory " + parent + " ("
                        + e.getClass().getSimpleName() + "); create it, or point " + key + " at a writable place");
            }
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(
                switch (options.synchronous()) {
                    case NORMAL -> SQLiteConfig.SynchronousMode.NORMAL;
                    case FULL -> SQLiteConfig.SynchronousMode.FULL;
                });
        config.setBusyTimeout(Math.toIntExact(options.busyTimeout().toMillis()));
        options.cacheSizeKib().ifPresent(kib -> config.setCacheSize(-kib)); // negative: KiB, as SQLite takes it
        if (options.immediateTransactions()) {
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + absolute);
        return source;
    }
}
