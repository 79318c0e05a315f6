package io.tokenmonitor.exporter.bench;

import java.util.Optional;

/** CPU used during a span by one process, by the database server and by the whole machine (2 cores = 200%). */
final class CpuWindow {

    private final long pid;
    private final Optional<ProcessHandle> database;
    private final double processStart;
    private final double databaseStart;
    private final double[] machineStart;

    private CpuWindow(long pid) {
        this.pid = pid;
        this.database = ProcStat.databaseServer();
        this.processStart = ProcStat.cpuSeconds(pid);
        this.databaseStart = database.map(p -> ProcStat.cpuSeconds(p.pid())).orElse(0.0);
        this.machineStart = ProcStat.machineCpuSeconds();
    }

    static CpuWindow start(long pid) {
        return new CpuWindow(pid);
    }

    /** "reader 95% CPU, mariadbd 40%, machine busy 150% of 200%" over {@code wallSeconds}. */
    String stop(double wallSeconds, String processName) {
        double process = ProcStat.cpuSeconds(pid) - processStart;
        double db = database.map(p -> ProcStat.cpuSeconds(p.pid())).orElse(0.0) - databaseStart;
        double[] machine = ProcStat.machineCpuSeconds();
        double cores = Runtime.getRuntime().availableProcessors();
        double machineBusy = (machine[0] - machineStart[0]) / Math.max(1e-9, machine[1] - machineStart[1]) * cores;
        return String.format(
                "%s %.0f%% CPU, mariadbd %.0f%%, machine busy %.0f%% of %.0f%% (others: %.0f%%), load %s",
                processName,
                100 * process / wallSeconds,
                100 * db / wallSeconds,
                100 * machineBusy,
                100 * cores,
                Math.max(0, 100 * machineBusy - 100 * (process + db) / wallSeconds),
                ProcStat.loadAverage());
    }
}
