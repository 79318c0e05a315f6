package io.tokenmonitor.e2e.grafana;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A dashboard's variables for its store panels without Prometheus: what DashboardQueriesIT runs every SQL panel with,
 * and what the dashboard benchmark times (All selected wherever a variable offers All).
 */
final class StoreVariables {

    private StoreVariables() {}

    /**
     * The variables as Grafana has them when Prometheus answers nothing: a query variable offers
     * only its "All" option when it has one (kept as the dashboard's saved selection), else the
     * "None" option, whose value is '' (NONE_VARIABLE_VALUE in Grafana's
     * public/app/features/variables/constants.ts; getNoneOption() in its query variable).
     */
    static Interpolator withoutPrometheus(
            Dashboard d, Instant from, Instant to, Duration interval, Duration scrapeInterval) {
        Interpolator vars = new Interpolator(from, to, interval, scrapeInterval);
        for (Variable v : d.variables()) {
            switch (v.type()) {
                case "query" ->
                    vars.set(
                            v.name(),
                            v.includeAll() && v.allValue() != null
                                    ? new Interpolator.Value(List.of(), v.allValue(), false)
                                    : Interpolator.Value.of(""));
                default -> setWithoutDatasource(vars, d, v);
            }
        }
        return vars;
    }

    /** A variable whose value the dashboard itself gives: custom, textbox, constant. */
    static void setWithoutDatasource(Interpolator vars, Dashboard d, Variable v) {
        switch (v.type()) {
            case "custom" ->
                vars.set(
                        v.name(),
                        v.includeAll()
                                        && v.allValue() != null
                                        && v.currentValue().equals("$__all")
                                ? new Interpolator.Value(List.of(), v.allValue(), false)
                                : Interpolator.Value.of(
                                        v.currentValue().isEmpty()
                                                ? v.query().split(",")[0].trim()
                                                : v.currentValue()));
            case "textbox", "constant" -> vars.set(v.name(), Interpolator.Value.of(v.currentValue()));
            default ->
                throw new AssertionError(
                        d.uid() + ": variable $" + v.name() + " of type " + v.type() + " is not checked by this test");
        }
    }
}
