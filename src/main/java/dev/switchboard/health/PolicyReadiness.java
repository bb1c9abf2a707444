package dev.switchboard.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.routing.PolicyState;

/**
 * Ready once a valid policy is loaded. Deliberately independent of provider health, so one dead provider cannot pull
 * every pod out of its Service.
 */
@Readiness
@ApplicationScoped
public class PolicyReadiness implements HealthCheck {

    private final PolicyState policies;

    public PolicyReadiness(PolicyState policies) {
        this.policies = policies;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("policy");
        return policies.current()
                .map(policy -> response.up()
                        .withData("source", policy.source())
                        .withData("demo", policy.demo())
                        .withData("routes", policy.table().routes().size())
                        .withData("providers", policy.table().providers().size())
                        .withData("loaded_at", policy.loadedAt().toString())
                        .build())
                .orElseGet(() -> response.down().withData("reason", "no policy loaded").build());
    }
}
