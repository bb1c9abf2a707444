package dev.switchboard.health;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.lifecycle.Drain;
import dev.switchboard.limits.SharedLimits;
import dev.switchboard.model.Route;
import dev.switchboard.resilience.ProviderState;
import dev.switchboard.routing.ActivePolicy;
import dev.switchboard.routing.Drill;
import dev.switchboard.routing.Drills;
import dev.switchboard.routing.PolicyState;

/**
 * Readiness, gated by the policy's {@code readiness} mode: {@code policy} (the default: ready once a valid policy is
 * loaded, so one dead provider cannot pull every pod out of its Service), {@code any-provider} (at least one provider
 * is not down), or {@code every-route} (every route has a target whose provider is not down). Its data shows every
 * provider's state in every mode. DOWN at once, in every mode, when a shutdown has begun.
 */
@Readiness
@ApplicationScoped
public class PolicyReadiness implements HealthCheck {

    private final PolicyState policies;
    private final Drain drain;
    private final Drills drills;
    private final SharedLimits limits;

    public PolicyReadiness(PolicyState policies, Drain drain, Drills drills, SharedLimits limits) {
        this.policies = policies;
        this.drain = drain;
        this.drills = drills;
        this.limits = limits;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("switchboard-router");
        if (drain.draining()) {
            return response.down().withData("reason", "shutting down: draining requests in flight").build();
        }
        ActivePolicy policy = policies.current().orElse(null);
        if (policy == null) {
            return response.down().withData("reason", "no policy loaded").build();
        }
        String mode = policy.table().readiness();
        response.withData("mode", mode)
                .withData("policy", policy.source())
                .withData("demo", policy.demo())
                .withData("routes", policy.table().routes().size())
                .withData("loaded_at", policy.loadedAt().toString());
        if (policies.activeHash() != null) {
            response.withData("policy_hash", policies.activeHash());
        }
        PolicyState.SourceProblem lost = policies.sourceProblem();
        if (lost != null) {
            response.withData("policy_file", lost.problem() + " since " + lost.since());
        }
        PolicyState.Failure failure = policies.lastFailure();
        if (failure != null) {
            response.withData("last_reload_failure", failure.at() + " sha256 " + failure.hash() + ": "
                    + String.join("; ", failure.problems()));
        }
        policy.states().forEach((name, state) -> response.withData("provider." + name, ProviderView.summary(state)));
        response.withData("limits_store", limits.describe());
        drills.reports().stream().filter(Drill.Report::active).forEach(drill -> response.withData(
                "drill." + drill.provider(), drill.id() + ": " + drill.fault() + ", " + drill.injected() + " of "
                        + drill.maxRequests() + " request(s) until " + drill.endsAt()));
        boolean up = switch (mode) {
            case "any-provider" -> policy.states().values().stream().anyMatch(PolicyReadiness::usable);
            case "every-route" -> policy.table().routes().values().stream().allMatch(r -> routable(r, policy.states()));
            default -> true;
        };
        return response.status(up).build();
    }

    private static boolean usable(ProviderState state) {
        return !"down".equals(state.status());
    }

    private static boolean routable(Route route, Map<String, ProviderState> states) {
        return route.targets().stream().anyMatch(t -> usable(states.get(t.provider())));
    }
}
