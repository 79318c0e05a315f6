package io.tokenmonitor.e2e.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** One dashboard JSON file of grafana/dashboards, with the parts the tests look at. */
public record Dashboard(Path file, JsonNode json) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every {@code *.json} under {@code dir}, sorted by file name. */
    public static List<Dashboard> loadAll(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Dashboard> out = new ArrayList<>();
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                out.add(new Dashboard(f, JSON.readTree(f.toFile())));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read the dashboards", e);
        }
    }

    /** The dashboard of {@code all} with this uid. */
    public static Dashboard byUid(List<Dashboard> all, String uid) {
        return all.stream()
                .filter(d -> d.uid().equals(uid))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no dashboard with uid " + uid));
    }

    public String uid() {
        return json.path("uid").asText();
    }

    public String title() {
        return json.path("title").asText();
    }

    /** Every panel, rows' nested panels included. */
    public List<JsonNode> panels() {
        List<JsonNode> out = new ArrayList<>();
        collect(json.path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<JsonNode> out) {
        for (JsonNode p : panels) {
            out.add(p);
            collect(p.path("panels"), out);
        }
    }

    public List<Variable> variables() {
        List<Variable> out = new ArrayList<>();
        json.path("templating").path("list").forEach(v -> out.add(Variable.of(v)));
        return out;
    }

    /** Every query of every (non-row) panel. */
    public List<PanelQuery> queries() {
        List<PanelQuery> out = new ArrayList<>();
        for (JsonNode panel : panels()) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            for (JsonNode target : panel.path("targets")) {
                String dsUid = target.path("datasource")
                        .path("uid")
                        .asText(panel.path("datasource").path("uid").asText());
                String dsType = target.path("datasource")
                        .path("type")
                        .asText(panel.path("datasource").path("type").asText());
                String text = target.has("expr")
                        ? target.path("expr").asText()
                        : target.path("rawQueryText").asText();
                boolean instant = target.path("instant").asBoolean(false)
                        && !target.path("range").asBoolean(false);
                out.add(new PanelQuery(
                        uid(),
                        panel.path("title").asText(),
                        target.path("refId").asText(),
                        dsType,
                        dsUid,
                        text,
                        instant));
            }
        }
        return out;
    }

    /** The first query of the panel with this title. */
    public PanelQuery query(String panelTitle) {
        return queries().stream()
                .filter(q -> q.panelTitle().equals(panelTitle))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(uid() + ": no panel \"" + panelTitle + "\""));
    }

    /** A panel's query: the dashboard and panel it belongs to, its datasource and its text before interpolation. */
    public record PanelQuery(
            String dashboardUid,
            String panelTitle,
            String refId,
            String datasourceType,
            String datasourceUid,
            String text,
            boolean instant) {
        public String where() {
            return dashboardUid + " / \"" + panelTitle + "\" / " + refId;
        }

        public boolean isPrometheus() {
            return datasourceType.equals("prometheus");
        }

        public boolean isSqlite() {
            return datasourceType.equals("frser-sqlite-datasource");
        }
    }
}
