package io.tokenmonitor.bridge.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Applies the numbered schema files above {@code PRAGMA user_version}, each in its own transaction together with
 * the version bump, and refuses a store written by a newer bridge.
 */
final class Migrations {
    /** In order; file {@code i} brings the schema to version {@code i + 1}. Never edit a released file. */
    private static final List<String> FILES = List.of("V001__init.sql");

    private Migrations() {
    }

    static int latestVersion() {
        return FILES.size();
    }

    static void apply(Jdbi jdbi, String storeName) {
        int current = jdbi.withHandle(h -> h.createQuery("PRAGMA user_version").mapTo(Integer.class).one());
        if (current > FILES.size()) {
            throw new IllegalStateException(storeName + ": schema version " + current + " is newer than this bridge knows ("
                    + FILES.size() + "); run the newer bridge or point STATE_PATH at another file");
        }
        for (int version = current + 1; version <= FILES.size(); version++) {
            String sql = read(FILES.get(version - 1));
            int target = version;
            jdbi.useTransaction(h -> {
                h.createScript(sql).execute();
                h.execute("PRAGMA user_version = " + target);   // an int we own, not input
            });
        }
    }

    private static String read(String file) {
        try (InputStream in = Migrations.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("schema file " + file + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
