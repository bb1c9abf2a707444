package dev.switchboard.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.routing.PolicyState;
import io.quarkus.vertx.http.ManagementInterface;

/**
 * {@code GET /api/v1/admin/router/health} on the management port: every provider's status, breaker state, latency,
 * success rate, requests in flight and last error.
 */
@ApplicationScoped
public class RouterHealthEndpoint {

    public static final String PATH = "/api/v1/admin/router/health";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PolicyState policies;

    public RouterHealthEndpoint(PolicyState policies) {
        this.policies = policies;
    }

    void install(@Observes ManagementInterface management) {
        management.router().get(PATH).handler(context -> context.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(render()));
    }

    String render() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode providers = root.putArray("providers");
        policies.current().ifPresent(policy -> policy.states()
                .forEach((name, state) -> ProviderView.write(name, state, providers.addObject())));
        return root.toString();
    }
}
