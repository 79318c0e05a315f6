package io.tokenmonitor.exporter;

import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.history.HistoryExport;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the exporter: reads the settings, opens the store and the gateway database, serves /metrics. */
public final class ExporterMain {

    private static final Logger LOG = LoggerFactory.getLogger(ExporterMain.class);
    private static final String USAGE = """
            usage: java -jar token-monitor-exporter.jar [--demo] [--config FILE] [--web.config.file FILE]
                   java -jar token-monitor-exporter.jar export-history --output FILE [--from TIME] [--to TIME] [--step DURATION]
              --demo               run on a built-in New API demo database with simulated traffic (no gateway needed)
              --config FILE        budgets and time zone (YAML; also CONFIG_FILE)
              --web.config.file F  TLS and basic auth for /metrics, exporter-toolkit format (also WEB_CONFIG_FILE)
              export-history       write the store's history as OpenMetrics for promtool tsdb create-blocks-from openmetrics
            Settings come from environment variables; see README.md ("Configuration").""";

    private ExporterMain() {}

    public static void main(String[] args) {
        try {
            Arguments arguments = Arguments.parse(args);
            if (arguments.help()) {
                System.out.println(USAGE);
                return;
            }
            if (arguments.version()) {
                System.out.println(Exporter.version());
                return;
            }
            ExporterConfig config = ExporterConfig.fromEnvironment(System.getenv(), arguments.demo())
                    .withCommandLine(arguments.configFile(), arguments.webConfigFile());
            if (arguments.command().equals("export-history")) {
                HistoryExport.run(config.storePath(), arguments.options(), Clock.systemUTC());
                return;
            }
            Exporter exporter = Exporter.start(config, arguments.demo());
            Runtime.getRuntime().addShutdownHook(new Thread(exporter::close, "shutdown"));
        } catch (ConfigException e) {
            System.err.println("token-monitor-exporter: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            // Not a setting: a bug or the machine (disk, permissions). The stack trace is for the report.
            LOG.error("start-up failed: {}", e.getMessage(), e);
            System.exit(1);
        }
    }
}
