package io.tokenmonitor.bridge.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.bridge.testing.BridgeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the packaged bridge prints when it cannot start: one line for a settings mistake, a stack trace otherwise. */
class StartupFailureIT {
    @TempDir
    Path dir;

    private record Exit(int code, List<String> output) {}

    private Exit run(Map<String, String> env) throws Exception {
        Path out = dir.resolve("out.log");
        ProcessBuilder builder = new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                BridgeProcess.jar().toAbsolutePath().toString());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("LISTEN_ADDRESS", "127.0.0.1:" + BridgeProcess.freePort());
        builder.redirectErrorStream(true).redirectOutput(out.toFile());
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the bridge exits").isTrue();
        return new Exit(process.exitValue(), Files.readAllLines(out));
    }

    @Test
    void givenASettingsMistake_whenStarted_thenOneLineAndExit2() throws Exception {
        Exit exit = run(Map.of("BRIDGE_TOKEN", "t", "SQL_DSN", "root:hunter2@tcp(db:3306)"));
        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output()).hasSize(1);
        assertThat(exit.output().get(0)).startsWith("SQL_DSN: cannot parse").doesNotContain("hunter2");
    }

    @Test
    void givenAStatePathWhoseDirectoryCannotBeMade_whenStarted_thenOneLineAndExit2() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        Exit exit = run(Map.of(
                "BRIDGE_TOKEN",
                "t",
                "STATE_PATH",
                notADirectory.resolve("bridge.db").toString()));
        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output()).hasSize(1);
        assertThat(exit.output().get(0)).startsWith("STATE_PATH: cannot create the directory");
    }

    @Test
    void givenAStateStoreThatCannotBeOpened_whenStarted_thenStackTraceAndExit1() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("bridge.db")); // SQLite cannot open a directory
        Exit exit = run(Map.of("BRIDGE_TOKEN", "t", "STATE_PATH", directory.toString()));
        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.output().get(0)).contains("start-up failed: ");
        assertThat(exit.output())
                .anySatisfy(line -> assertThat(line).startsWith("\tat io.tokenmonitor.bridge.state.StateStore.open"));
    }
}
