package io.tokenmonitor.bridge.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A throw-away gateway database (MariaDB, PostgreSQL or SQLite) with New API's or One API's real {@code channels}
 * and {@code abilities} DDL, created under a unique name and dropped by {@link #close()}.
 */
public final class GatewayDatabase implements AutoCloseable {
    /** Where the database lives. */
    public enum Kind { MARIADB, POSTGRES, SQLITE }

    /** Which gateway wrote the schema. */
    public enum Flavor { NEW_API, ONE_API }

    private final Kind kind;
    private final Flavor flavor;
    private final String name;
    private final String jdbcUrl;
    private final String sqlDsn;
    private final String adminUrl;

    private GatewayDatabase(Kind kind, Flavor flavor, String name, String jdbcUrl, String sqlDsn, String adminUrl) {
        this.kind = kind;
        this.flavor = flavor;
        this.name = name;
        this.jdbcUrl = jdbcUrl;
        this.sqlDsn = sqlDsn;
        this.adminUrl = adminUrl;
    }

    public static GatewayDatabase create(Kind kind, Flavor flavor, Path tempDir) throws SQLException {
        String name = "tmb_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        GatewayDatabase db = switch (kind) {
            case MARIADB -> new GatewayDatabase(kind, flavor, name, "jdbc:mysql://127.0.0.1:3306/" + name + "?user=root&password=",
                    "root:@tcp(127.0.0.1:3306)/" + name + "?charset=utf8mb4&parseTime=True&loc=Local",
                    "jdbc:mysql://127.0.0.1:3306/?user=root&password=");
            case POSTGRES -> new GatewayDatabase(kind, flavor, name, "jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres",
                    "postgres://postgres@127.0.0.1:5432/" + name + "?sslmode=disable",
                    "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
            case SQLITE -> {
                Path file = tempDir.resolve(name + ".db");
                yield new GatewayDatabase(kind, flavor, name, "jdbc:sqlite:" + file, file + "?_busy_timeout=30000", null);
            }
        };
        if (db.adminUrl != null) {
            try (Connection c = DriverManager.getConnection(db.adminUrl); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name);
            }
        }
        db.execute(db.ddl().toArray(String[]::new));
        return db;
    }

    /** SQL_DSN in the gateway's own format. */
    public String sqlDsn() {
        return sqlDsn;
    }

    public Flavor flavor() {
        return flavor;
    }

    public Kind kind() {
        return kind;
    }

    /** The database's unique name (also the file name of a SQLite one, without ".db"). */
    public String name() {
        return name;
    }

    public void execute(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /** Adds a channel with status, models and groups, and its abilities rows, as the gateway would. */
    public void addChannel(long id, int status, String group, String... models) throws SQLException {
        String q = quote();
        List<String> sql = new ArrayList<>();
        sql.add(flavor == Flavor.NEW_API
                ? "INSERT INTO channels (id, type, " + q + "key" + q + ", status, name, models, " + q + "group" + q + ", other_info) VALUES ("
                    + id + ", 1, 'sk-secret', " + status + ", 'ch" + id + "', '" + String.join(",", models) + "', '" + group + "', '{\"keep\":\"me\"}')"
                : "INSERT INTO channels (id, type, " + q + "key" + q + ", status, name, models, " + q + "group" + q + ") VALUES ("
                    + id + ", 1, 'sk-secret', " + status + ", 'ch" + id + "', '" + String.join(",", models) + "', '" + group + "')");
        for (String model : models) {
            sql.add("INSERT INTO abilities (" + q + "group" + q + ", model, channel_id, enabled) VALUES ('" + group + "', '" + model + "', "
                    + id + ", " + bool(status == 1) + ")");
        }
        execute(sql.toArray(String[]::new));
    }

    public int status(long id) throws SQLException {
        return Integer.parseInt(single("SELECT status FROM channels WHERE id = " + id));
    }

    public String otherInfo(long id) throws SQLException {
        return single("SELECT other_info FROM channels WHERE id = " + id);
    }

    /** The enabled flags of the channel's abilities, as "true"/"false". */
    public List<Boolean> abilitiesEnabled(long id) throws SQLException {
        List<Boolean> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT enabled FROM abilities WHERE channel_id = " + id + " ORDER BY model")) {
            while (rs.next()) {
                out.add(rs.getBoolean(1));
            }
        }
        return out;
    }

    private String single(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private String quote() {
        return kind == Kind.MARIADB ? "`" : "\"";
    }

    private String bool(boolean value) {
        return kind == Kind.SQLITE ? (value ? "1" : "0") : Boolean.toString(value);
    }

    /** The gateways' DDL (GORM AutoMigrate output) for the two tables the breaker writes. */
    private List<String> ddl() {
        String q = quote();
        String id = switch (kind) {
            case MARIADB -> "bigint AUTO_INCREMENT PRIMARY KEY";
            case POSTGRES -> "bigserial PRIMARY KEY";
            case SQLITE -> "integer PRIMARY KEY AUTOINCREMENT";
        };
        String big = kind == Kind.SQLITE ? "integer" : "bigint";
        String text = kind == Kind.MARIADB ? "longtext" : "text";
        String dbl = switch (kind) {
            case MARIADB -> "double";
            case POSTGRES -> "double precision";
            case SQLITE -> "real";
        };
        String bool = kind == Kind.SQLITE ? "numeric" : "boolean";
        String vc = kind == Kind.SQLITE ? "text" : "varchar";
        String len191 = kind == Kind.SQLITE ? "" : "(191)";
        List<String> ddl = new ArrayList<>();
        if (flavor == Flavor.NEW_API) {
            ddl.add("CREATE TABLE channels (id " + id + ", type " + big + " DEFAULT 0, " + q + "key" + q + " " + text + " NOT NULL, "
                    + "openai_organization " + text + ", test_model " + text + ", status " + big + " DEFAULT 1, name " + vc + len191 + ", "
                    + "weight " + big + " DEFAULT 0, created_time " + big + ", test_time " + big + ", response_time " + big + ", "
                    + "base_url " + vc + len191 + " DEFAULT '', other " + text + ", balance " + dbl + ", balance_updated_time " + big + ", "
                    + "models " + text + ", " + q + "group" + q + " " + vc + (kind == Kind.SQLITE ? "" : "(64)") + " DEFAULT 'default', "
                    + "used_quota " + big + " DEFAULT 0, model_mapping text, status_code_mapping " + vc + (kind == Kind.SQLITE ? "" : "(1024)")
                    + " DEFAULT '', priority " + big + " DEFAULT 0, auto_ban " + big + " DEFAULT 1, other_info " + text + ", "
                    + "tag " + vc + len191 + ", setting text, param_override text, header_override text, remark " + vc
                    + (kind == Kind.SQLITE ? "" : "(255)") + ", channel_info " + (kind == Kind.MARIADB ? "json" : kind == Kind.POSTGRES ? "jsonb" : "text")
                    + ", settings text)");
            ddl.add("CREATE INDEX idx_channels_name ON channels (name)");
            ddl.add("CREATE INDEX idx_channels_tag ON channels (tag)");
            ddl.add("CREATE TABLE abilities (" + q + "group" + q + " " + vc + (kind == Kind.SQLITE ? "" : "(64)") + ", model " + vc
                    + (kind == Kind.SQLITE ? "" : "(255)") + ", channel_id " + big + ", enabled " + bool + ", priority " + big + " DEFAULT 0, "
                    + "weight " + big + " DEFAULT 0, tag " + vc + len191 + ", PRIMARY KEY (" + q + "group" + q + ", model, channel_id))");
        } else {
            ddl.add("CREATE TABLE channels (id " + id + ", type " + big + " DEFAULT 0, " + q + "key" + q + " text, status " + big + " DEFAULT 1, "
                    + "name " + vc + len191 + ", weight " + big + " DEFAULT 0, created_time " + big + ", test_time " + big + ", "
                    + "response_time " + big + ", base_url " + vc + len191 + " DEFAULT '', other text, balance " + dbl + ", "
                    + "balance_updated_time " + big + ", models text, " + q + "group" + q + " " + vc + (kind == Kind.SQLITE ? "" : "(32)")
                    + " DEFAULT 'default', used_quota " + big + " DEFAULT 0, model_mapping " + vc + (kind == Kind.SQLITE ? "" : "(1024)")
                    + " DEFAULT '', priority " + big + " DEFAULT 0, config text, system_prompt text)");
            ddl.add("CREATE INDEX idx_channels_name ON channels (name)");
            ddl.add("CREATE TABLE abilities (" + q + "group" + q + " " + vc + (kind == Kind.SQLITE ? "" : "(32)") + ", model " + vc + len191
                    + ", channel_id " + big + ", enabled " + bool + ", priority " + big + " DEFAULT 0, "
                    + "PRIMARY KEY (" + q + "group" + q + ", model, channel_id))");
        }
        ddl.add("CREATE INDEX idx_abilities_channel_id ON abilities (channel_id)");
        ddl.add("CREATE INDEX idx_abilities_priority ON abilities (priority)");
        return ddl;
    }

    @Override
    public void close() throws SQLException {
        if (adminUrl != null) {
            if (kind == Kind.POSTGRES) {
                try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
                    st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
                    st.execute("DROP DATABASE IF EXISTS " + name);
                }
            } else {
                try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
                    st.execute("DROP DATABASE IF EXISTS " + name);
                }
            }
        }
    }
}
