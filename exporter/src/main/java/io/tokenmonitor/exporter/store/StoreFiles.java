package io.tokenmonitor.exporter.store;

import io.tokenmonitor.common.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps the store's files writable for the exporter's group. Grafana's SQLite datasource opens the
 * store read-only, but a read-only WAL reader still creates {@code -wal} and {@code -shm} when they
 * are missing (after the exporter's clean stop has removed them), as its own user, and SQLite gives
 * them the database file's mode. With the database group-writable and both programs in one group
 * (compose: gid 0), the exporter can write those files after a restart; with 0644 it could not, and
 * every write failed with "attempt to write a readonly database". A file it still cannot write stops
 * the start with the file's owner, mode and the fix.
 */
final class StoreFiles {
    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-rw-r--");
    private static final Set<PosixFilePermission> READ_WRITE = EnumSet.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE);
    /** The store and the files SQLite keeps beside it. */
    private static final List<String> FILES = List.of("", "-wal", "-shm", "-journal");

    private StoreFiles() {}

    /** Before SQLite opens {@code file}: creates it group-writable if absent, adds group write where it may, fails on what it still cannot write. */
    static void prepare(Path file) {
        Path store = file.toAbsolutePath();
        if (Files.getFileAttributeView(store.getParent(), PosixFileAttributeView.class) == null) {
            return; // not a POSIX file system: no owners and modes to care for
        }
        if (!Files.isWritable(store.getParent())) {
            throw new ConfigException(
                    "STORE_PATH: the directory " + store.getParent() + " (" + describe(store.getParent())
                            + ") is not writable for this process; SQLite creates " + store.getFileName()
                            + "-wal and -shm there."
                            + " Give the exporter's user or group write access to it.");
        }
        create(store);
        List<Path> unwritable = new ArrayList<>();
        for (String suffix : FILES) {
            Path path = store.resolveSibling(store.getFileName() + suffix);
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !groupWritable(path)) {
                unwritable.add(path);
            }
        }
        if (!unwritable.isEmpty()) {
            StringBuilder which = new StringBuilder();
            for (Path path : unwritable) {
                which.append(which.isEmpty() ? "" : ", ")
                        .append(path)
                        .append(" (")
                        .append(describe(path))
                        .append(')');
            }
            String paths =
                    String.join(" ", unwritable.stream().map(Path::toString).toList());
            throw new ConfigException(
                    "STORE_PATH: not writable for this process: " + which + ". Every write to the store"
                            + " would fail with \"attempt to write a readonly database\". Another program (Grafana's SQLite datasource,"
                            + " a backup) created the file with a mode without group write. Make it group-writable for the"
                            + " exporter's group (as its owner or root: chmod g+w " + paths
                            + "), or, with the exporter and every"
                            + " reader stopped, delete " + store.getFileName()
                            + "-wal and -shm; from then on the exporter keeps"
                            + " the store group-writable, and SQLite gives -wal and -shm the store's mode.");
        }
    }

    private static void create(Path store) {
        try {
            Files.createFile(store);
            // explicit, as createFile's mode is cut by the umask
            Files.setPosixFilePermissions(store, NEW_FILE);
        } catch (FileAlreadyExistsException e) {
            // an existing store: check() below
        } catch (IOException e) {
            throw new UncheckedIOException("STORE_PATH: cannot create " + store, e);
        }
    }

    /** Adds owner and group read/write where this process may chmod (its own files); whether it can write {@code path} now. */
    private static boolean groupWritable(Path path) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            if (!mode.containsAll(READ_WRITE)) {
                Set<PosixFilePermission> wanted = EnumSet.copyOf(mode);
                wanted.addAll(READ_WRITE);
                try {
                    Files.setPosixFilePermissions(path, wanted);
                } catch (IOException notOwner) {
                    // only the owner (or root) may chmod; Files.isWritable below decides
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("STORE_PATH: cannot read the mode of " + path, e);
        }
        return Files.isWritable(path);
    }

    private static String describe(Path path) {
        try {
            PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return "owner " + a.owner().getName() + ", group " + a.group().getName() + ", mode "
                    + PosixFilePermissions.toString(a.permissions());
        } catch (IOException e) {
            return "owner and mode unreadable: " + e.getMessage();
        }
    }
}
