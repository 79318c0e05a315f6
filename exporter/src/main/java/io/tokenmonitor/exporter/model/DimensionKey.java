package io.tokenmonitor.exporter.model;

/** One series of an optional usage family: the dimension and its (possibly folded) value. */
public record DimensionKey(Dimension dimension, String value) {}
