package dev.switchboard.health;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.schema.Json;
import dev.switchboard.usage.UsageLedger;

/**
 * {@code GET /api/v1/admin/usage} on the management port: tokens and cost per provider and model since start.
 */
@ApplicationScoped
public class UsageEndpoint {

    public static final String PATH = "/api/v1/admin/usage";

    /** Costs as plain decimals (0.0000001, not 1E-7), as the shared configuration writes them. */
    private static final ObjectMapper JSON = Json.MAPPER;

    private final UsageLedger ledger;

    public UsageEndpoint(UsageLedger ledger) {
        this.ledger = ledger;
    }

    String render() {
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
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write usage", e);
        }
    }
}
