package io.tokenmonitor.exporter.store;

import org.jdbi.v3.core.Handle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Brings the store's schema up to date. Each numbered script ({@code V001__init.sql}, …) runs once,
 * in its own transaction, above the version recorded in {@code PRAGMA user_version}. A store
 * written by a newer exporter is refused rather than misread.
 */
final class Migrations {

    /** The scripts in order; the position in this list (1-based) is the schema version they bring. */
    private static final List<String> SCRIPTS = List.of("V001__init.sql", "V002__optional_dimensions.sql",
            "V003__gateway_options.sql");

    private Migrations() {
    }

    static void apply(Handle handle, String storeName) {
        int current = handle.createQuery("PRAGMA user_version").mapTo(Integer.class).one();
        if (current > SCRIPTS.size()) {
            throw new IllegalStateException(storeName + ": schema version " + current + " is newer than this exporter knows ("
                    + SCRIPTS.size() + "); run a newer exporter or point STORE_PATH at a new file");
        }
        for (int version = current + 1; version <= SCRIPTS.size(); version++) {
            String sql = read(SCRIPTS.get(version - 1));
            int target = version;
            handle.useTransaction(tx -> {
                for (String statement : statements(sql)) {
                    tx.execute(statement);
                }
                tx.execute("PRAGMA user_version = " + target);
            });
        }
    }

    /** Splits a script at semicolons that end a line; comments are dropped first. */
    private static List<String> statements(String sql) {
        String withoutComments = sql.replaceAll("(?m)--.*$", "");
        return java.util.Arrays.stream(withoutComments.split(";\\s*(\\n|$)"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream(script)) {
            if (in == null) {
                throw new IllegalStateException("migration " + script + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
