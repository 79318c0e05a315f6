package io.tokenmonitor.exporter.model;

/**
 * Ids below the sync position that were not visible when the rows around them were read. MySQL and
 * PostgreSQL hand out ids at insert time but show rows at commit time, so such a range may still
 * fill; it is rechecked until {@code expiresAtSeconds}, then given up (rolled-back inserts leave
 * permanent holes).
 */
public record IdGap(long fromId, long toId, long expiresAtSeconds) {

    public IdGap {
        if (fromId > toId) {
            throw new IllegalArgumentException("gap " + fromId + ".." + toId + " is empty");
        }
    }
}
