package dev.switchboard.health;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.limits.SharedLimits;
import dev.switchboard.routing.PolicyState;
import dev.switchboard.schema.Json;

/**
 * {@code GET /api/v1/admin/router/health} on the management port: every provider's status, breaker state, latency,
 * success rate, requests in flight and last error.
 */
@ApplicationScoped
public class RouterHealthEndpoint {

    public static final String PATH = "/api/v1/admin/router/health";

    private static final ObjectMapper JSON = Json.MAPPER;

    private final PolicyState policies;

    private final SharedLimits limits;

    public RouterHealthEndpoint(PolicyState policies, SharedLimits limits) {
        this.policies = policies;
        this.limits = limits;
    }

    String render() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode providers = root.putArray("providers");
        policies.current().ifPresent(policy -> policy.states()
                .forEach((name, state) -> ProviderView.write(name, state, providers.addObject(), limits)));
        return root.toString();
    }
}
