package dev.switchboard.health;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.routing.ActivePolicy;
import dev.switchboard.routing.PolicyState;
import dev.switchboard.schema.Json;

/**
 * {@code GET /api/v1/admin/policy} on the management port: the active policy's source, hash, load time and effective
 * content (every default applied), and the last refused file with its problems. Secrets are redacted: a key shows
 * only where it comes from, and header values are hidden.
 */
@ApplicationScoped
public class PolicyEndpoint {

    public static final String PATH = "/api/v1/admin/policy";
    private static final String REDACTED = "(redacted)";
    private static final ObjectMapper JSON = Json.MAPPER;

    private final PolicyState policies;

    public PolicyEndpoint(PolicyState policies) {
        this.policies = policies;
    }

    String render() {
        ObjectNode root = JSON.createObjectNode();
        ActivePolicy policy = policies.current().orElse(null);
        if (policy != null) {
            root.put("source", policy.source()).put("demo", policy.demo()).put("hash", policies.activeHash())
                    .put("loaded_at", policy.loadedAt().toString());
            ObjectNode effective = root.putObject("effective");
            effective.set("routes", JSON.valueToTree(policy.table().routes()));
            ObjectNode providers = effective.putObject("providers");
            for (Map.Entry<String, ProviderSpec> entry : policy.table().providers().entrySet()) {
                providers.set(entry.getKey(), provider(entry.getValue()));
            }
            effective.set("tenancy", JSON.valueToTree(policy.table().tenancy()));
            effective.put("default_route", policy.table().defaultRoute());
            effective.put("allow_pinning", policy.table().allowPinning());
            effective.put("readiness", policy.table().readiness());
        }
        PolicyState.Failure failure = policies.lastFailure();
        if (failure == null) {
            root.putNull("last_failure");
        } else {
            ObjectNode f = root.putObject("last_failure").put("hash", failure.hash()).put("at", failure.at().toString());
            ArrayNode problems = f.putArray("problems");
            failure.problems().forEach(problems::add);
        }
        PolicyState.SourceProblem lost = policies.sourceProblem();
        if (lost == null) {
            root.putNull("source_problem");
        } else {
            root.putObject("source_problem").put("problem", lost.problem()).put("since", lost.since().toString());
        }
        return root.toString();
    }

    private static JsonNode provider(ProviderSpec spec) {
        ObjectNode node = JSON.createObjectNode().put("type", spec.type()).put("base_url", spec.baseUrl())
                .put("api_key", spec.apiKey() == null ? null : spec.apiKey().origin() + " " + REDACTED)
                .put("api_key_header", spec.apiKeyHeader())
                .put("connect_timeout", spec.connectTimeout().toString())
                .put("first_token_timeout", spec.firstTokenTimeout().toString())
                .put("idle_timeout", spec.idleTimeout().toString());
        if (spec.maxConcurrency() > 0) {
            node.put("max_concurrency", spec.maxConcurrency());
        }
        ObjectNode headers = node.putObject("headers");
        spec.headers().keySet().forEach(name -> headers.put(name, REDACTED));
        node.set("circuit_breaker", JSON.valueToTree(spec.circuitBreaker()));
        node.set("rate_limit", JSON.valueToTree(spec.rateLimit()));
        node.set("health", JSON.valueToTree(spec.health()));
        if (spec.mock() != null) {
            node.set("mock", JSON.valueToTree(spec.mock()));
        }
        return node;
    }
}
