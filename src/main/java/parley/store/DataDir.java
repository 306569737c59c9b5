package parley.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The data directory: created if missing, and locked ({@code parley.lock}) for as long as a server
 * uses it, so two servers never number one store's groups. Also moves a corrupt database aside,
 * with its write-ahead log, under a name that says when.
 */
final class DataDir implements AutoCloseable {
    static final String DATABASE = "parley.db";
    static final String LOCK = "parley.lock";

    private final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;

    private DataDir(Path dir, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    static DataDir open(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create the data directory " + dir + ": " + e, e);
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) throw new OverlappingFileLockException();
            return new DataDir(dir, ch, l);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new StoreException("the data directory " + dir + " is in use by another Parley server");
        } catch (IOException e) {
            closeQuietly(ch);
            throw new StoreException("cannot lock the data directory " + dir + ": " + e, e);
        }
    }

    Path database() {
        return dir.resolve(DATABASE);
    }

    /** Moves the database (and its -wal; the -shm is only an index and is deleted) aside; returns its new name. */
    Path moveAside() throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path db = database();
        Path target = dir.resolve(DATABASE + ".corrupt-" + stamp);
        for (int i = 1; Files.exists(target); i++) target = dir.resolve(DATABASE + ".corrupt-" + stamp + "-" + i);
        Files.move(db, target, StandardCopyOption.ATOMIC_MOVE);
        Path wal = dir.resolve(DATABASE + "-wal");
        if (Files.exists(wal)) Files.move(wal, Path.of(target + "-wal"), StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(dir.resolve(DATABASE + "-shm"));
        return target;
    }

    /** The database and its write-ahead log, in bytes. */
    long bytesOnDisk() {
        return size(database()) + size(dir.resolve(DATABASE + "-wal"));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel's close releases it too
        }
        closeQuietly(lockFile);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do: we are giving up the directory
        }
    }
}
