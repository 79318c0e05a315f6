package io.tokenmonitor.exporter.model;

import java.io.IOException;
import java.util.List;

/** Where a log export reads its rows: the store. */
public interface LogSource {
    /** The columns of {@link #exportLogs}, in order. */
    List<String> exportColumns();

    /** Every row the filter matches, in its order, one at a time to {@code cells}; returns how many. */
    long exportLogs(LogFilter filter, LogCells cells) throws IOException;
}
