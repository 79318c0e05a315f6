package io.tokenmonitor.bridge.digest;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Prometheus' address and each target's digest schedule; no URL means digests are off (then no schedule). */
public record DigestSettings(Optional<URI> prometheusUrl, Map<String, DigestSchedule> schedules) {
    public static final DigestSettings OFF = new DigestSettings(Optional.empty(), Map.of());

    public DigestSettings {
        schedules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(schedules));
    }
}
