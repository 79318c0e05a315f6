package io.tokenmonitor.exporter.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the JDK's command-line tools (jcmd, jfr) with a time limit and returns their output lines. */
final class Tools {

    private Tools() {}

    static List<String> run(Duration limit, String... command) throws IOException, InterruptedException {
        List<String> resolved = new ArrayList<>(List.of(command));
        java.nio.file.Path tool = java.nio.file.Path.of(System.getProperty("java.home"), "bin", command[0]);
        if (java.nio.file.Files.isExecutable(tool)) {
            resolved.set(0, tool.toString());
        }
        Process process = new ProcessBuilder(resolved).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(
                () -> {
                    try (var in = new java.io.BufferedReader(
                            new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            lines.add(line);
                        }
                    } catch (IOException e) {
                        // the process went away; what was read is returned
                    }
                },
                "tool-output");
        reader.start();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
        }
        reader.join(5_000);
        return lines;
    }
}
