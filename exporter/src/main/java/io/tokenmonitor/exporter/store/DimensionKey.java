package io.tokenmonitor.exporter.store;

/** One series of an optional usage family: the dimension and its (possibly folded) value. */
public record DimensionKey(OptionalDimensions.Dimension dimension, String value) {
}
