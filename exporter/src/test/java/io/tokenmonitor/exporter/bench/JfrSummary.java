package io.tokenmonitor.exporter.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a JFR recording's samples fall: per thread, the share of samples, and within each thread the
 * exporter method on the stack (the innermost {@code io.tokenmonitor} frame) and the top frame.
 * Java samples ({@code jdk.ExecutionSample}) and native samples ({@code jdk.NativeMethodSample},
 * e.g. SQLite's C code or a socket read) are both counted.
 */
final class JfrSummary {

    private static final int STACK_DEPTH = 48;
    private static final int TOP = 6;
    private static final double MIN_THREAD_SHARE = 0.01;
    /** Top frames of a thread that is waiting for work, not doing it. */
    private static final java.util.Set<String> IDLE = java.util.Set.of(
            "sun.nio.ch.EPoll.wait()",
            "jdk.internal.misc.Unsafe.park()",
            "java.lang.Object.wait()",
            "java.lang.Thread.sleep()",
            "sun.nio.ch.Net.accept()");

    private JfrSummary() {}

    static List<String> summarize(Path recording, Path scratch) throws IOException, InterruptedException {
        Path text = scratch.resolve("samples.txt");
        Path jfr = Path.of(System.getProperty("java.home"), "bin", "jfr");
        Process p = new ProcessBuilder(
                        Files.isExecutable(jfr) ? jfr.toString() : "jfr",
                        "print",
                        "--events",
                        "jdk.ExecutionSample,jdk.NativeMethodSample",
                        "--stack-depth",
                        Integer.toString(STACK_DEPTH),
                        recording.toString())
                .redirectErrorStream(true)
                .redirectOutput(text.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Map<String, Integer>> byExporterFrame = new HashMap<>();
        Map<String, Map<String, Integer>> byTopFrame = new HashMap<>();
        int total = 0;
        int idle = 0;
        try (BufferedReader in = Files.newBufferedReader(text, StandardCharsets.UTF_8)) {
            String line;
            String event = null;
            String thread = null;
            List<String> frames = new ArrayList<>();
            boolean inStack = false;
            while ((line = in.readLine()) != null) {
                String t = line.trim();
                if (t.startsWith("jdk.ExecutionSample") || t.startsWith("jdk.NativeMethodSample")) {
                    event = t.startsWith("jdk.Native") ? "native" : "java";
                    thread = null;
                    frames.clear();
                } else if (t.startsWith("sampledThread = ")) {
                    int q = t.indexOf('"');
                    thread = t.substring(q + 1, t.indexOf('"', q + 1)).replaceAll("-\\d+$", "");
                } else if (t.startsWith("stackTrace = [")) {
                    inStack = true;
                } else if (inStack && t.equals("]")) {
                    inStack = false;
                    if (thread != null && !frames.isEmpty() && IDLE.contains(frames.get(0))) {
                        idle++;
                    } else if (thread != null && !frames.isEmpty()) {
                        total++;
                        String key = thread + " (" + event + ")";
                        byThread.merge(key, 1, Integer::sum);
                        String top = frames.get(0);
                        String exporter = frames.stream()
                                .filter(f -> f.startsWith("io.tokenmonitor"))
                                .findFirst()
                                .orElse("(no exporter frame)");
                        byTopFrame.computeIfAbsent(key, k -> new HashMap<>()).merge(top, 1, Integer::sum);
                        byExporterFrame
                                .computeIfAbsent(key, k -> new HashMap<>())
                                .merge(exporter, 1, Integer::sum);
                    }
                } else if (inStack && !t.equals("...")) {
                    int cut = t.indexOf(" line:");
                    frames.add((cut > 0 ? t.substring(0, cut) : t).replaceAll("\\(.*\\)", "()"));
                }
            }
        }
        List<String> out = new ArrayList<>();
        out.add(String.format(
                "%,d busy samples (Java code every 20 ms, native code every 20 ms per thread; %,d idle waits left out)",
                total, idle));
        int all = Math.max(1, total);
        for (Map.Entry<String, Integer> thread : sorted(byThread)) {
            if (thread.getValue() < all * MIN_THREAD_SHARE) {
                continue;
            }
            out.add(String.format("  %5.1f%%  thread %s", 100.0 * thread.getValue() / all, thread.getKey()));
            for (Map.Entry<String, Integer> f : sorted(byExporterFrame.get(thread.getKey()))
                    .subList(
                            0,
                            Math.min(TOP, byExporterFrame.get(thread.getKey()).size()))) {
                out.add(String.format("           %5.1f%%  in %s", 100.0 * f.getValue() / all, f.getKey()));
            }
            for (Map.Entry<String, Integer> f : sorted(byTopFrame.get(thread.getKey()))
                    .subList(0, Math.min(TOP, byTopFrame.get(thread.getKey()).size()))) {
                out.add(String.format("           %5.1f%%  top %s", 100.0 * f.getValue() / all, f.getKey()));
            }
        }
        Files.deleteIfExists(text);
        return out;
    }

    private static List<Map.Entry<String, Integer>> sorted(Map<String, Integer> counts) {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()));
        return entries;
    }
}
