package io.tokenmonitor.e2e.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** grafana/provisioning: the datasources (uid → type) and the dashboards provider. */
public record Provisioning(Map<String, String> datasourceTypes, JsonNode datasources, JsonNode dashboards) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public static Provisioning load(Path grafanaDir) {
        try {
            JsonNode ds = YAML.readTree(grafanaDir
                    .resolve("provisioning/datasources/datasources.yml")
                    .toFile());
            JsonNode db = YAML.readTree(
                    grafanaDir.resolve("provisioning/dashboards/dashboards.yml").toFile());
            Map<String, String> types = new LinkedHashMap<>();
            ds.path("datasources")
                    .forEach(d ->
                            types.put(d.path("uid").asText(), d.path("type").asText()));
            return new Provisioning(types, ds, db);
        } catch (IOException e) {
            throw new UncheckedIOException(grafanaDir + "/provisioning: cannot read", e);
        }
    }

    /** The datasource entry with {@code uid}. */
    public JsonNode datasource(String uid) {
        for (JsonNode d : datasources.path("datasources")) {
            if (d.path("uid").asText().equals(uid)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no datasource " + uid);
    }
}
