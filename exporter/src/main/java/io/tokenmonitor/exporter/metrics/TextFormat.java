package io.tokenmonitor.exporter.metrics;

/** The two text formats a scraper may ask for. */
public enum TextFormat {
    PROMETHEUS_TEXT,
    OPENMETRICS
}
