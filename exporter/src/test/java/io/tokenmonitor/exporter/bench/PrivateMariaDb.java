package io.tokenmonitor.exporter.bench;

import io.tokenmonitor.common.sqlite.SqlScript;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A MariaDB server of the benchmark's own: {@code mariadb-install-db} and {@code mariadbd} on a free
 * 127.0.0.1 port, data directory and socket in a temporary directory, stopped and deleted on close.
 * Its own process, so that the server's CPU time is only what the benchmark makes it do (other tests
 * share the machine's MariaDB). Started as .ci/databases.sh starts its throwaway server: no option
 * files, root without a password, run as user mysql when we are root (mariadbd refuses root).
 */
final class PrivateMariaDb implements AutoCloseable {

    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final Process process;
    private final Path dir;
    private final int port;

    private PrivateMariaDb(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Initializes a data directory and starts the server; answers once root can connect over TCP.
     *
     * @param pidFile gets the server's process id, for the launching script's last-resort cleanup
     */
    static PrivateMariaDb start(Path pidFile) throws IOException, InterruptedException, SQLException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("tm-peer-mariadb-");
        if (root) {
            ownedByMysql(dir); // the server runs as mysql and must write here
        }
        Path log = dir.resolve("mariadb.log");
        List<String> install = new ArrayList<>(root ? List.of("runuser", "-u", "mysql", "--") : List.of());
        install.addAll(List.of(
                "mariadb-install-db",
                "--no-defaults",
                "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal",
                "--skip-test-db"));
        Process installer = new ProcessBuilder(install)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!installer.waitFor(120, TimeUnit.SECONDS) || installer.exitValue() != 0) {
            installer.destroyForcibly();
            String tail = tail(log);
            deleteTree(dir);
            throw new IOException("mariadb-install-db failed: " + tail);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> server = new ArrayList<>(List.of(
                Files.isExecutable(Path.of("/usr/sbin/mariadbd")) ? "/usr/sbin/mariadbd" : "mariadbd",
                "--no-defaults", // Debian's defaults otherwise, like an operator's untuned server
                "--datadir=" + dir.resolve("data"),
                "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"),
                "--bind-address=127.0.0.1",
                "--port=" + port,
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_general_ci",
                "--local-infile=1")); // the bulk load
        if (root) {
            server.add(2, "--user=mysql"); // after --no-defaults, which must come first
        }
        Process process = new ProcessBuilder(server)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Files.writeString(pidFile, process.pid() + "\n" + dir + "\n");
        PrivateMariaDb db = new PrivateMariaDb(process, dir, port);
        try {
            db.awaitConnectable();
        } catch (IOException | SQLException | InterruptedException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    /** A JDBC URL for {@code database} as root (batched inserts, LOAD DATA LOCAL allowed). */
    String jdbcUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database
                + "?useSSL=false&allowPublicKeyRetrieval=true&allowLoadLocalInfile=true&rewriteBatchedStatements=true";
    }

    /** The go-sql-driver DSN (New API's SQL_DSN form) for {@code database}. */
    String goDsn(String database) {
        return "root:@tcp(127.0.0.1:" + port + ")/" + database;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "root", "");
    }

    /** {@code SELECT VERSION()}. */
    String version() throws SQLException {
        try (Connection c = connect("");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Creates {@code name} with New API's own DDL (common's test-jar {@code /gateway/newapi-mysql.sql}). */
    void createNewApiDatabase(String name) throws SQLException, IOException {
        String ddl;
        try (InputStream in = PrivateMariaDb.class.getResourceAsStream("/gateway/newapi-mysql.sql")) {
            if (in == null) {
                throw new IllegalStateException("no /gateway/newapi-mysql.sql on the class path (common's test-jar)");
            }
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = connect("");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            s.execute("USE " + name);
            for (String statement : SqlScript.statements(ddl)) {
                s.execute(statement);
            }
        }
    }

    private void awaitConnectable() throws IOException, InterruptedException, SQLException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("mariadbd exited at start: " + tail(dir.resolve("mariadb.log")));
            }
            try (Connection c = connect("")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            Thread.sleep(500);
        }
        throw new SQLException("mariadbd does not answer on 127.0.0.1:" + port + " after " + START_LIMIT, last);
    }

    /** Stops the server (SIGTERM, a clean InnoDB shutdown; SIGKILL after 60 s) and deletes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        deleteTree(dir);
    }

    private static void ownedByMysql(Path dir) throws IOException {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName("mysql"));
        view.setGroup(users.lookupPrincipalByGroupName("mysql"));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
