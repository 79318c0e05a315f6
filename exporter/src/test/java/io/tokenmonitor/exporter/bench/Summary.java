package io.tokenmonitor.exporter.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The figures of one benchmark run, printed at its end as one table (figure | measured | target | met or MISSED), then the detail lines. */
final class Summary {

    private final List<String[]> rows = new ArrayList<>();
    private final List<String> details = new ArrayList<>();

    void row(String figure, String measured, String target, String verdict) {
        rows.add(new String[] {figure, measured, target, verdict});
    }

    void detail(String line) {
        details.add(line);
    }

    static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    /** Announces a phase with the time and the load average, so every figure can be read against the machine's load. */
    static void phase(String name) {
        System.out.printf(
                "%n[%s] %s (load %s)%n", Instant.now().toString().substring(11, 19), name, ProcStat.loadAverage());
    }

    void print() {
        System.out.println();
        System.out.println("== Summary ==  (load average now " + ProcStat.loadAverage() + ")");
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(10);
        int w2 = rows.stream().mapToInt(r -> r[2].length()).max().orElse(10);
        String format = "%-" + w0 + "s | %-" + w1 + "s | %-" + w2 + "s | %s%n";
        System.out.printf(format, "figure", "measured", "target", "");
        System.out.println("-".repeat(w0 + w1 + w2 + 14));
        rows.forEach(r -> System.out.printf(format, (Object[]) r));
        System.out.println();
        details.forEach(System.out::println);
    }
}
