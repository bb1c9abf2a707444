package dev.switchboard.health;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.limits.SharedLimits;
import dev.switchboard.schema.Json;
import dev.switchboard.usage.UsageLedger;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /api/v1/admin/usage} on the management port: tokens and cost per provider and model since start.
 */
@ApplicationScoped
public class UsageEndpoint {

    public static final String PATH = "/api/v1/admin/usage";

    /** Costs as plain decimals (0.0000001, not 1E-7), as the shared configuration writes them. */
    private static final ObjectMapper JSON = Json.MAPPER;

    private final UsageLedger ledger;
    private final SharedLimits limits;

    public UsageEndpoint(UsageLedger ledger, SharedLimits limits) {
        this.ledger = ledger;
        this.limits = limits;
    }

    /**
     * The pod's own usage since start, and with Redis the cluster's this month per tenant, provider and model (null
     * without Redis, or when it does not answer).
     */
    Uni<String> render() {
        return limits.clusterUsage().onFailure().recoverWithNull().map(cluster -> {
            ObjectNode root = pod();
            if (cluster == null) {
                root.putNull("cluster");
            } else {
                writeCluster(cluster, root.putObject("cluster"));
            }
            return root.toString();
        });
    }

    private static void writeCluster(Map<String, Long> fields, ObjectNode cluster) {
        cluster.put("period", java.time.Instant.ofEpochMilli(dev.switchboard.limits.LimitKeys.window("month",
                System.currentTimeMillis())[0]).toString().substring(0, 7));
        ArrayNode rows = cluster.putArray("usage");
        Map<String, ObjectNode> byKey = new TreeMap<>();
        fields.forEach((field, amount) -> {
            int last = field.lastIndexOf('|');
            String key = field.substring(0, last);
            String[] parts = key.split("\\|", 3);
            ObjectNode row = byKey.computeIfAbsent(key, k -> JSON.createObjectNode().put("tenant", parts[0])
                    .put("provider", parts[1]).put("model", parts[2]));
            String what = field.substring(last + 1);
            if (what.equals("cost_micro_usd")) {
                row.put("cost_usd", BigDecimal.valueOf(amount).movePointLeft(6).stripTrailingZeros());
            } else {
                row.put(what, amount);
            }
        });
        byKey.values().forEach(rows::add);
    }

    private ObjectNode pod() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode rows = root.putArray("usage");
        BigDecimal total = BigDecimal.ZERO;
        long prompt = 0;
        long completion = 0;
        for (Map.Entry<String, UsageLedger.Totals> entry : new TreeMap<>(ledger.totals()).entrySet()) {
            UsageLedger.Totals t = entry.getValue();
            int slash = entry.getKey().indexOf('/');
            ObjectNode row = rows.addObject()
                    .put("provider", entry.getKey().substring(0, slash))
                    .put("model", entry.getKey().substring(slash + 1))
                    .put("requests", t.requests())
                    .put("estimated_requests", t.estimatedRequests())
                    .put("prompt_tokens", t.promptTokens())
                    .put("completion_tokens", t.completionTokens())
                    .put("total_tokens", t.promptTokens() + t.completionTokens());
            if (t.priced()) {
                row.put("cost_usd", t.costUsd());
                total = total.add(t.costUsd());
            } else {
                row.putNull("cost_usd");
            }
            prompt += t.promptTokens();
            completion += t.completionTokens();
        }
        root.putObject("total").put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion).put("cost_usd", total.stripTrailingZeros());
        return root;
    }
}
