package io.tokenmonitor.exporter.http;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Hands a response body to the JDK server in pieces of at most {@link #PIECE} bytes.
 *
 * <p>Why: the JDK server writes each {@code write} call to its socket channel in one go, and NIO
 * copies a heap array into a temporary direct buffer of the same size, which every thread then keeps
 * (sun.nio.ch.Util's per-thread buffer cache, unbounded unless {@code jdk.nio.maxCachedBufferSize} is
 * set). One 2 MB write per scrape on each of the server's 128 threads reserved 256 MB of direct
 * memory, the whole default limit under {@code -Xmx256m}: the next scrape failed with
 * "OutOfMemoryError: Cannot reserve ... direct buffer memory" after its headers had gone out, and the
 * scraper waited 30 s for a body that never came. The server's own write buffer
 * (sun.net.httpserver.Request.WriteStream) likewise grows to twice the largest write.
 */
final class BoundedWrites extends FilterOutputStream {

    static final int PIECE = 64 * 1024;

    BoundedWrites(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int at = off, end = off + len; at < end; at += PIECE) {
            out.write(b, at, Math.min(PIECE, end - at));
        }
    }
}
