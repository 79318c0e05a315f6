package io.tokenmonitor.bridge.testing;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.sqlite.SqlScript;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * The gateway's {@code tokens} and {@code users} as GORM creates them (test resources /gateway-accounts, New API and
 * One API, per dialect), added to a {@link GatewayDatabase}, which has logs, channels, abilities and options only.
 */
public final class AccountTables {
    private AccountTables() {}

    /** Creates both tables in {@code gateway}, in its dialect and flavor. */
    public static void create(GatewayDatabase gateway) throws IOException, SQLException {
        gateway.execute(statements(gateway.dialect(), gateway.flavor()).toArray(String[]::new));
    }

    /** The DDL statements. */
    public static List<String> statements(Dialect dialect, Flavor flavor) throws IOException {
        String file = "/gateway-accounts/" + (flavor == Flavor.NEW_API ? "newapi" : "oneapi") + "-"
                + dialect.name().toLowerCase(Locale.ROOT) + ".sql";
        try (InputStream in = AccountTables.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + file);
            }
            return SqlScript.statements(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** {@code key} quoted for the dialect (a reserved word in MySQL). */
    public static String keyColumn(Dialect dialect) {
        return dialect == Dialect.MYSQL ? "`key`" : "\"key\"";
    }
}
