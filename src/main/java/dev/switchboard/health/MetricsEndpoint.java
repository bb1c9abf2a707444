package dev.switchboard.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /q/metrics} in the format the client can read: OpenMetrics 1.0.0 to a client that asks for it (any
 * {@code application/openmetrics-text}, version or not: Prometheus does), the Prometheus text format to everyone else
 * ({@code text/plain}, {@code *}{@code /*}, no {@code Accept}: curl, {@code promtool check metrics}). Quarkus' own
 * handler answers curl's default with OpenMetrics, which promtool's text parser rejects, and an explicit
 * {@code application/openmetrics-text; version=1.0.0} with 406; this route comes before it.
 */
@ApplicationScoped
// the simpleclient registry is the one quarkus-micrometer-registry-prometheus 3.33 ships and injects
@SuppressWarnings("deprecation")
public class MetricsEndpoint {

    static final String PATH = "/q/metrics";

    private final PrometheusMeterRegistry registry;

    public MetricsEndpoint(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    void install(@Observes ManagementInterface management) {
        management.router().get(PATH).order(-1).handler(this::scrape);
    }

    private void scrape(RoutingContext context) {
        String type = format(context.request().getHeader("Accept"));
        context.response().putHeader("Content-Type", type).putHeader("Cache-Control", "no-store")
                .end(Buffer.buffer(registry.scrape(type)));
    }

    static String format(String accept) {
        return accept != null && accept.contains("application/openmetrics-text") ? TextFormat.CONTENT_TYPE_OPENMETRICS_100
                : TextFormat.CONTENT_TYPE_004;
    }
}
