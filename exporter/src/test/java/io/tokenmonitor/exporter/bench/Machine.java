package io.tokenmonitor.exporter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line about the machine the figures come from. */
final class Machine {

    private Machine() {}

    static String describe() {
        String cpu = "?";
        long memMb = 0;
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("?");
            memMb = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemTotal"))
                    .findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024)
                    .orElse(0L);
        } catch (IOException e) {
            // leave the unknowns as "?"
        }
        return String.format(
                "machine: %d cores (%s), %,d MB RAM, Java %s, load average %s",
                Runtime.getRuntime().availableProcessors(),
                cpu,
                memMb,
                System.getProperty("java.version"),
                ProcStat.loadAverage());
    }
}
