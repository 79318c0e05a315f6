package io.tokenmonitor.exporter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * What a benchmark started (exporters, databases, writers) and its scratch directory. {@link #close}
 * closes the parts in reverse order and deletes the directory, once, whichever way the run ends: at
 * its end, on a failure, on Ctrl-C (a shutdown hook) or at the {@code --max-minutes} watchdog.
 */
final class Scratch implements AutoCloseable {

    private final Path dir;
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Scratch(Path dir) {
        this.dir = dir;
    }

    static Scratch create(String prefix) throws IOException {
        return new Scratch(Files.createTempDirectory(prefix));
    }

    Path dir() {
        return dir;
    }

    /** Closed (before what was pushed earlier) when the run ends. */
    synchronized <T extends AutoCloseable> T push(T part) {
        parts.push(part);
        return part;
    }

    /** For a part the run closed itself before the end. */
    synchronized void forget(AutoCloseable part) {
        parts.remove(part);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            while (!parts.isEmpty()) {
                AutoCloseable part = parts.pop();
                try {
                    part.close();
                } catch (Exception e) {
                    System.err.println("cleanup: closing " + part + " failed: " + e.getMessage());
                }
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cleanup: deleting " + dir + " failed: " + e.getMessage());
        }
    }
}
