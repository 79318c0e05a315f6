package io.tokenmonitor.exporter;

import io.tokenmonitor.common.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command line: an optional command ({@code export-history}), flags, and {@code --key value}
 * options. Unknown arguments are refused by name.
 *
 * @param options the command's own {@code --key value} pairs (such as {@code --output})
 */
record Arguments(
        String command,
        boolean demo,
        boolean help,
        boolean version,
        String configFile,
        String webConfigFile,
        Map<String, String> options) {

    private static final Set<String> COMMANDS = Set.of("serve", "export-history");
    private static final Set<String> EXPORT_OPTIONS = Set.of("--output", "--from", "--to", "--step");

    static Arguments parse(String[] args) {
        String command = "serve";
        boolean demo = false;
        boolean help = false;
        boolean version = false;
        String config = null;
        String webConfig = null;
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i == 0 && COMMANDS.contains(arg)) {
                command = arg;
                continue;
            }
            switch (arg) {
                case "--demo" -> demo = true;
                case "--help", "-h" -> help = true;
                case "--version" -> version = true;
                case "--config" -> config = value(args, ++i, arg);
                case "--web.config.file" -> webConfig = value(args, ++i, arg);
                default -> {
                    if (command.equals("export-history") && EXPORT_OPTIONS.contains(arg)) {
                        options.put(arg, value(args, ++i, arg));
                    } else {
                        throw new ConfigException("argument \"" + arg + "\" is unknown; see --help");
                    }
                }
            }
        }
        return new Arguments(command, demo, help, version, config, webConfig, Map.copyOf(options));
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new ConfigException(flag + ": needs a value");
        }
        return args[i];
    }
}
