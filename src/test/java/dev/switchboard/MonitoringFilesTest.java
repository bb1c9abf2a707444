package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The dashboard and the alert rules query only metrics that {@code metrics.md} documents (and so Switchboard
 * exposes), every dashboard query honours the namespace and pod variables and the panel's provider or route filter,
 * and every alert has a runbook line in the README.
 */
class MonitoringFilesTest {

    /** A metric selector: a Switchboard or GenAI metric name and its optional matchers. */
    private static final Pattern SELECTOR = Pattern.compile("\\b((?:switchboard|gen_ai)_[a-z_]+)(\\{[^}]*\\})?");
    /** A grouping clause, whose label names (gen_ai_request_model, switchboard_provider) are not metrics. */
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\([^)]*\\)");

    private static List<String> dashboardQueries() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("k8s", "grafana-dashboard.json").toFile());
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText());
            }
        }
        return queries;
    }

    private static List<JsonNode> alerts() throws Exception {
        JsonNode rules = new YAMLMapper().readTree(Path.of("k8s", "alerts.yaml").toFile());
        List<JsonNode> alerts = new ArrayList<>();
        rules.path("spec").path("groups").forEach(group -> group.path("rules").forEach(alerts::add));
        return alerts;
    }

    /** Every metric the reference documents, by its Prometheus name (with the histogram and counter suffixes). */
    private static Set<String> documented() throws Exception {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("^\\| `([a-z_]+)` \\|", Pattern.MULTILINE)
                .matcher(Files.readString(Path.of("src", "site", "markdown", "metrics.md")));
        while (m.find()) {
            String name = m.group(1);
            names.add(name);
            for (String suffix : List.of("_bucket", "_count", "_sum")) {
                names.add(name + suffix);
            }
        }
        return names;
    }

    @Test
    void queriesOnlyDocumentedMetrics() throws Exception {
        Set<String> documented = documented();
        List<String> queries = new ArrayList<>(dashboardQueries());
        alerts().forEach(alert -> queries.add(alert.path("expr").asText()));

        Set<String> used = new TreeSet<>();
        for (String query : queries) {
            Matcher m = SELECTOR.matcher(GROUPING.matcher(query).replaceAll(""));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertThat(used).isNotEmpty();
        assertThat(documented).containsAll(used);
    }

    @Test
    void everyDashboardQueryHonoursTheNamespaceAndPodVariables() throws Exception {
        List<String> queries = dashboardQueries();
        assertThat(queries).hasSizeGreaterThan(20);
        for (String query : queries) {
            Matcher m = SELECTOR.matcher(GROUPING.matcher(query).replaceAll(""));
            while (m.find()) {
                String matchers = m.group(2) == null ? "" : m.group(2);
                assertThat(matchers).as(query).contains("namespace=~\"$namespace\"").contains("pod=~\"$pod\"");
                if (m.group(1).startsWith("switchboard_provider_") || m.group(1).startsWith("switchboard_cost")) {
                    assertThat(matchers).as(query).contains("provider=~\"$provider\"");
                }
                if (m.group(1).startsWith("switchboard_routing_") || m.group(1).startsWith("switchboard_route_")) {
                    assertThat(matchers).as(query).contains("route=~\"$route\"");
                }
            }
        }
    }

    @Test
    void everyAlertHasARunbookLineInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<JsonNode> alerts = alerts();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(5);
        for (JsonNode alert : alerts) {
            assertThat(readme).contains("| `" + alert.path("alert").asText() + "` |");
        }
    }
}
