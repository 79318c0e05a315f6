package io.tokenmonitor.common.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Brings a store's schema up to date: numbered scripts above {@code PRAGMA user_version}, each run once, in one
 * transaction together with the version bump, so a crash leaves the schema at one version or the next, never between.
 * A store written by a newer program is refused rather than misread. Each program keeps its scripts beside its
 * store class and lists them here; never edit a released script, add the next one.
 */
public final class SchemaMigrations {
    private final Class<?> resourceBase;
    private final List<String> scripts;
    private final String program;
    private final String advice;

    /**
     * @param resourceBase the class whose package holds the scripts ({@code Class.getResourceAsStream} names)
     * @param scripts in order: script {@code i} brings the schema to version {@code i + 1}
     * @param program "exporter" or "bridge", for the message on a newer schema
     * @param advice what to do about a newer schema, e.g. "run a newer exporter or point STORE_PATH at a new file"
     */
    public SchemaMigrations(Class<?> resourceBase, List<String> scripts, String program, String advice) {
        this.resourceBase = resourceBase;
        this.scripts = List.copyOf(scripts);
        this.program = program;
        this.advice = advice;
    }

    /** The version the scripts bring a store to. */
    public int latestVersion() {
        return scripts.size();
    }

    /** As {@link #apply(Handle, String)} on a handle of its own. */
    public int apply(Jdbi jdbi, String storeName) {
        return jdbi.withHandle(h -> apply(h, storeName));
    }

    /**
     * Runs the scripts the store has not seen.
     *
     * @param storeName the store's file, first in the message
     * @return the schema version now
     * @throws IllegalStateException when the store is newer than these scripts, or a script is missing from the jar
     */
    public int apply(Handle handle, String storeName) {
        int current =
                handle.createQuery("PRAGMA user_version").mapTo(Integer.class).one();
        if (current > scripts.size()) {
            throw new IllegalStateException(storeName + ": schema version " + current + " is newer than this " + program
                    + " knows (" + scripts.size() + "); " + advice);
        }
        for (int version = current + 1; version <= scripts.size(); version++) {
            List<String> statements = SqlScript.statements(read(scripts.get(version - 1)));
            int target = version;
            handle.useTransaction(tx -> {
                // Plain JDBC: Jdbi would read ':name' in the DDL as a parameter.
                try (Statement st = tx.getConnection().createStatement()) {
                    for (String statement : statements) {
                        st.execute(statement);
                    }
                    st.execute("PRAGMA user_version = " + target); // an int we own, not input
                } catch (SQLException e) {
                    throw new IllegalStateException(
                            storeName + ": migration " + scripts.get(target - 1) + " failed: " + e.getMessage(), e);
                }
            });
        }
        return scripts.size();
    }

    private String read(String script) {
        try (InputStream in = resourceBase.getResourceAsStream(script)) {
            if (in == null) {
                throw new IllegalStateException("migration " + script + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
