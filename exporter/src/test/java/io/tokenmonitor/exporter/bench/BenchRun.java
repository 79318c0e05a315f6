package io.tokenmonitor.exporter.bench;

import java.time.Duration;

/** Runs a benchmark's body under its {@code --max-minutes} watchdog; the scratch is cleaned up on every way out. */
final class BenchRun {

    interface Body {
        void run() throws Exception;
    }

    private BenchRun() {}

    static void run(String name, Duration limit, Scratch scratch, Body body) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(scratch::close, "bench-cleanup"));
        Thread watchdog = new Thread(
                () -> {
                    try {
                        Thread.sleep(limit.toMillis());
                        System.err.println(
                                name + ": stopped after --max-minutes " + limit.toMinutes() + "; cleaning up");
                        System.exit(3); // the shutdown hook cleans up
                    } catch (InterruptedException e) {
                        // finished in time
                    }
                },
                "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            body.run();
        } finally {
            scratch.close();
            watchdog.interrupt();
        }
    }
}
