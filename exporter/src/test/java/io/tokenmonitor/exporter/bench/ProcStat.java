package io.tokenmonitor.exporter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** CPU time and load from /proc, to put each figure next to what the machine was doing. */
final class ProcStat {

    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private ProcStat() {}

    /** User + system CPU seconds of process {@code pid}, 0 when unreadable. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** A field of /proc/PID/status in kB (VmRSS, VmHWM), 0 when unreadable. */
    static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** CPU seconds of the whole machine {busy, total} since boot, from /proc/stat. */
    static double[] machineCpuSeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new double[] {(total - idle) / CLOCK_TICKS_PER_SECOND, total / CLOCK_TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            return new double[] {0, 0};
        }
    }

    /** The 1-, 5- and 15-minute load averages as {@code uptime} prints them. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** The MariaDB (or MySQL) server process on this machine, if there is one. */
    static Optional<ProcessHandle> databaseServer() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .command()
                        .map(c -> c.endsWith("/mariadbd") || c.endsWith("/mysqld"))
                        .orElse(false))
                .findFirst();
    }
}
