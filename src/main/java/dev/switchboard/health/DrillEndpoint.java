package dev.switchboard.health;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.config.FaultConfig;
import dev.switchboard.routing.Drill;
import dev.switchboard.routing.Drills;
import dev.switchboard.routing.ProxyResponse;
import dev.switchboard.schema.Json;
import io.quarkus.runtime.configuration.DurationConverter;

/**
 * {@code /api/v1/admin/drills} on the management port: failover drills. {@code POST} starts one from a JSON body
 * ({@code {"provider": "openai", "fault": {"kind": "status", "status": 503}, "requests": 20, "duration": "2m"}}),
 * {@code GET} lists the running and recent ones with what the router did, {@code DELETE …/{id}} stops one.
 */
@ApplicationScoped
public class DrillEndpoint {

    public static final String PATH = "/api/v1/admin/drills";
    static final int DEFAULT_REQUESTS = 100;
    static final Duration DEFAULT_DURATION = Duration.ofMinutes(1);

    private final Drills drills;

    public DrillEndpoint(Drills drills) {
        this.drills = drills;
    }

    String list() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        drills.reports().forEach(report -> write(report, root.withArray("drills").addObject()));
        if (!root.has("drills")) {
            root.putArray("drills");
        }
        return root.toString();
    }

    AdminAnswer start(byte[] body) {
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return invalid("The body is not JSON.");
        }
        if (request == null || !request.isObject() || !request.path("provider").isTextual()
                || !request.path("fault").isObject()) {
            return invalid("Expected {\"provider\": \"<name>\", \"fault\": {\"kind\": \"status|hang|reset|"
                    + "slow-first-token|cut-stream\", ...}, \"requests\": 100, \"duration\": \"1m\"}.");
        }
        try {
            JsonNode fault = request.path("fault");
            FaultConfig config = FaultConfig.of(text(fault, "kind"), integer(fault, "status"), text(fault, "delay"),
                    integer(fault, "after-events"));
            Integer requests = integer(request, "requests");
            String duration = text(request, "duration");
            Drill drill = drills.start(request.path("provider").asText(), config,
                    requests != null ? requests : DEFAULT_REQUESTS,
                    duration != null ? parse(duration) : DEFAULT_DURATION);
            ObjectNode node = Json.MAPPER.createObjectNode();
            write(drill.report(), node);
            return new AdminAnswer(201, node.toString());
        } catch (IllegalStateException e) {
            return error(409, e.getMessage(), "drill_running");
        } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
        }
    }

    AdminAnswer stop(String id) {
        Drill.Report report = drills.stop(id);
        if (report == null) {
            return error(404, "No drill '" + id + "'.", "not_found");
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        write(report, node);
        return new AdminAnswer(200, node.toString());
    }

    private static AdminAnswer invalid(String message) {
        return error(400, message, "invalid_drill");
    }

    private static AdminAnswer error(int status, String message, String code) {
        return new AdminAnswer(status, ProxyResponse.error(status, message, "invalid_request_error", code, Map.of()).whole()
                .toString());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + ": expected a string");
        }
        return value.asText();
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(field + ": expected an integer");
        }
        return value.asInt();
    }

    private static Duration parse(String duration) {
        try {
            return DurationConverter.parseDuration(duration.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("duration: expected a duration such as 30s or 2m, got '" + duration
                    + "'");
        }
    }

    private static void write(Drill.Report report, ObjectNode node) {
        node.put("id", report.id()).put("provider", report.provider()).put("fault", report.fault())
                .put("active", report.active()).put("started", report.started()).put("ends_at", report.endsAt())
                .put("ended", report.ended()).put("end_reason", report.endReason())
                .put("max_requests", report.maxRequests()).put("injected", report.injected())
                .put("failed_over", report.failedOver()).put("answered", report.answered()).put("lost", report.lost())
                .put("breaker_at_start", report.breakerAtStart()).put("breaker_now", report.breakerNow())
                .put("breaker_changes", report.breakerChanges());
    }
}
