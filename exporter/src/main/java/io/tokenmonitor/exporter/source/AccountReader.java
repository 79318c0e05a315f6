package io.tokenmonitor.exporter.source;

import io.tokenmonitor.exporter.model.Token;
import io.tokenmonitor.exporter.model.User;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the gateway's API keys ({@code tokens}) and users ({@code users}) column by column, so a
 * database user granted SELECT on exactly {@link #TOKEN_COLUMNS} and {@link #USER_COLUMNS} (and
 * the optional ones its gateway has) is enough: {@code tokens.key}, {@code users.password},
 * {@code users.access_token}, e-mail and third-party ids are never named. New API and One API
 * differ only in the optional columns, which are looked up on every read (a gateway upgrade adds them).
 */
public final class AccountReader {

    /** The columns of {@code tokens} read from every gateway. */
    public static final List<String> TOKEN_COLUMNS = List.of(
            "id",
            "user_id",
            "name",
            "status",
            "remain_quota",
            "used_quota",
            "unlimited_quota",
            "created_time",
            "accessed_time",
            "expired_time");
    /** Read when the gateway has them (New API; One API has neither). */
    public static final List<String> TOKEN_OPTIONAL_COLUMNS = List.of("group", "deleted_at");

    /** The columns of {@code users} read from every gateway. */
    public static final List<String> USER_COLUMNS =
            List.of("id", "username", "role", "status", "group", "quota", "used_quota", "request_count");
    /** Read when the gateway has it (New API). */
    public static final List<String> USER_OPTIONAL_COLUMNS = List.of("deleted_at");

    private static final Logger LOG = LoggerFactory.getLogger(AccountReader.class);
    private static final String NEVER_EXPIRES = Long.toString(Token.NEVER_EXPIRES);

    private final Jdbi jdbi;
    private final SourceDialect dialect;
    private final String databaseUser;
    /** The tables whose unreadable optional columns were logged (once per run). */
    private final Set<String> reportedUnseen = new HashSet<>();

    /** @param databaseUser who the grant statements in errors name; null when unknown (SQLite) */
    public AccountReader(Jdbi jdbi, SourceDialect dialect, String databaseUser) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.databaseUser = databaseUser;
    }

    /** Every key, soft-deleted ones included (marked), in id order. */
    public List<Token> readTokens() {
        return jdbi.withHandle(h -> {
            List<String> optional = present(h, "tokens", TOKEN_OPTIONAL_COLUMNS);
            boolean hasGroup = optional.contains("group");
            boolean hasDeleted = optional.contains("deleted_at");
            String sql = "SELECT id, user_id, name, status, " + (hasGroup ? dialect.quote("group") : "''")
                    + ", remain_quota, used_quota, unlimited_quota, created_time, accessed_time, "
                    + "COALESCE(expired_time, " + NEVER_EXPIRES + "), " + deletedFlag(hasDeleted)
                    + " FROM tokens ORDER BY id";
            return query(
                    h,
                    "tokens",
                    optional,
                    sql,
                    (rs, ctx) -> new Token(
                            rs.getLong(1),
                            rs.getLong(2),
                            text(rs, 3),
                            rs.getInt(4),
                            text(rs, 5),
                            rs.getLong(6),
                            rs.getLong(7),
                            rs.getBoolean(8),
                            rs.getLong(9),
                            rs.getLong(10),
                            rs.getLong(11),
                            rs.getInt(12) == 1));
        });
    }

    /** Every user, soft-deleted ones included (marked), in id order. */
    public List<User> readUsers() {
        return jdbi.withHandle(h -> {
            List<String> optional = present(h, "users", USER_OPTIONAL_COLUMNS);
            String sql = "SELECT id, username, role, status, " + dialect.quote("group")
                    + ", quota, used_quota, request_count, " + deletedFlag(optional.contains("deleted_at"))
                    + " FROM users ORDER BY id";
            return query(
                    h,
                    "users",
                    optional,
                    sql,
                    (rs, ctx) -> new User(
                            rs.getLong(1),
                            text(rs, 2),
                            rs.getInt(3),
                            rs.getInt(4),
                            text(rs, 5),
                            rs.getLong(6),
                            rs.getLong(7),
                            rs.getLong(8),
                            rs.getInt(9) == 1));
        });
    }

    /**
     * The statement that grants what is read from {@code table}, for this gateway's columns.
     *
     * @param optional the optional columns the table has
     * @param database MySQL's database (named in the statement); null elsewhere
     */
    private String grantStatement(String table, List<String> optional, String database) {
        List<String> columns = new ArrayList<>(table.equals("tokens") ? TOKEN_COLUMNS : USER_COLUMNS);
        columns.addAll(optional);
        String list = columns.stream().map(this::quoteIfReserved).collect(Collectors.joining(", "));
        String who = databaseUser == null ? "<exporter user>" : databaseUser;
        return switch (dialect) {
            case MYSQL ->
                "GRANT SELECT (" + list + ") ON " + (database == null ? "" : dialect.quote(database) + ".") + table
                        + " TO '" + who + "'@'%'";
            case POSTGRES -> "GRANT SELECT (" + list + ") ON " + table + " TO " + who;
            case SQLITE -> "make " + table + " readable to the exporter's user (SQLite has no grants)";
        };
    }

    private <T> List<T> query(Handle h, String table, List<String> optional, String sql, RowMapper<T> mapper) {
        try {
            return h.createQuery(sql).map(mapper).list();
        } catch (RuntimeException e) {
            throw grantMissingOr(h, table, optional, e);
        }
    }

    /**
     * Which of {@code columns} the table has, from the driver's metadata. PostgreSQL's and SQLite's list every
     * column; MySQL's and MariaDB's list only the columns the user may read (and a query naming any other one is
     * refused, whether it exists or not), so there an optional column that was not granted looks absent: said once.
     */
    private List<String> present(Handle h, String table, List<String> columns) {
        List<String> present = new ArrayList<>();
        for (String column : columns) {
            if (visible(h, table, column)) {
                present.add(column);
            }
        }
        List<String> unseen = columns.stream().filter(c -> !present.contains(c)).toList();
        // Without even the id, the query fails and names the whole grant: no note then.
        if (dialect == SourceDialect.MYSQL
                && !unseen.isEmpty()
                && visible(h, table, "id")
                && reportedUnseen.add(table)) {
            LOG.info(
                    "accounts: the {} columns {} are not readable: right for One API, which has none of them; on New API grant {}"
                            + " (until then {})",
                    table,
                    String.join(", ", unseen),
                    grantStatement(table, columns, catalog(h)),
                    table.equals("tokens")
                            ? "soft-deleted keys count as live and keys have no group"
                            : "soft-deleted users count as live");
        }
        return present;
    }

    private static boolean visible(Handle h, String table, String column) {
        Connection connection = h.getConnection();
        try (ResultSet rs = connection.getMetaData().getColumns(connection.getCatalog(), null, table, column)) {
            return rs.next();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the columns of " + table + ": " + e.getMessage(), e);
        }
    }

    private RuntimeException grantMissingOr(Handle h, String table, List<String> optional, RuntimeException e) {
        if (!denied(e)) {
            return e;
        }
        // MySQL hides the optional columns not granted: name them all there (One API has none of them).
        List<String> named = dialect == SourceDialect.MYSQL ? optionalOf(table) : optional;
        String oneApi =
                table.equals("tokens") ? " (One API: without `group`, deleted_at)" : " (One API: without deleted_at)";
        return new AccountGrantMissing("the database user may not read " + table + " (" + SourceFailure.describe(e)
                + "); grant it: " + grantStatement(table, named, catalog(h))
                + (dialect == SourceDialect.MYSQL ? oneApi : ""));
    }

    private static List<String> optionalOf(String table) {
        return table.equals("tokens") ? TOKEN_OPTIONAL_COLUMNS : USER_OPTIONAL_COLUMNS;
    }

    private String catalog(Handle h) {
        try {
            return dialect == SourceDialect.MYSQL ? h.getConnection().getCatalog() : null;
        } catch (SQLException e) {
            return null; // the statement then leaves the database out
        }
    }

    private String deletedFlag(boolean hasDeleted) {
        return hasDeleted ? "CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END" : "0";
    }

    private String quoteIfReserved(String column) {
        return column.equals("group") ? dialect.quote(column) : column;
    }

    private static boolean denied(Throwable e) {
        SQLException sql = sqlException(e);
        if (sql == null) {
            return false;
        }
        // MySQL/MariaDB 1142 (table), 1143 (column); PostgreSQL 42501 insufficient_privilege.
        return sql.getErrorCode() == 1142 || sql.getErrorCode() == 1143 || "42501".equals(sql.getSQLState());
    }

    private static SQLException sqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static String text(ResultSet rs, int column) throws SQLException {
        String value = rs.getString(column);
        return value == null ? "" : value;
    }
}
