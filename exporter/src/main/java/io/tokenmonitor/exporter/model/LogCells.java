package io.tokenmonitor.exporter.model;

import java.io.IOException;

/** Receives the rows of a log export one at a time, so that none is held after it is written. */
@FunctionalInterface
public interface LogCells {
    /** One row's cells, in the order of the export's columns; a NULL is {@code ""}. */
    void row(String[] cells) throws IOException;
}
