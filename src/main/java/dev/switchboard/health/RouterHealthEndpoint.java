package dev.switchboard.health;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    public RouterHealthEndpoint(PolicyState policies) {
        this.policies = policies;
    }

    String render() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode providers = root.putArray("providers");
        policies.current().ifPresent(policy -> policy.states()
                .forEach((name, state) -> ProviderView.write(name, state, providers.addObject())));
        return root.toString();
    }
}
