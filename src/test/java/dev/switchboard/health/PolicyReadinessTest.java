package dev.switchboard.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import dev.switchboard.config.FaultConfig;
import dev.switchboard.limits.SharedLimits;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.resilience.ProviderState;
import dev.switchboard.resilience.ProviderStates;
import dev.switchboard.routing.ActivePolicy;
import dev.switchboard.routing.Drill;
import dev.switchboard.routing.Drills;
import dev.switchboard.routing.PolicyState;
import dev.switchboard.strategy.TargetStatsRegistry;
import dev.switchboard.testing.Lifecycle;
import dev.switchboard.testing.Tables;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** What gates readiness in each mode, and that the data shows every provider. */
class PolicyReadinessTest {

    private Map<String, ProviderState> states;
    private final PolicyState policies = new PolicyState();
    private final Drills drills = new Drills(policies, new Metrics(new SimpleMeterRegistry()));

    private HealthCheckResponse check(String mode) throws Exception {
        String yaml = """
                readiness: %s
                providers:
                  a: { type: mock }
                  b: { type: mock }
                routes:
                  only-a: { targets: [ { provider: a, model: m } ] }
                  both: { targets: [ { provider: a, model: m }, { provider: b, model: m } ] }
                """.formatted(mode);
        RoutingTable table = Tables.of(yaml);
        if (states == null) {
            states = new ProviderStates().forProviders(table.providers().values());
        }
        policies.swap(ActivePolicy.activate(table, Map.of(), states, new TargetStatsRegistry(), "test", false,
                Instant.now()), "test-hash");
        return new PolicyReadiness(policies, Lifecycle.drain(), drills, new SharedLimits(null,
                new Metrics(new SimpleMeterRegistry()), Optional.empty(), Duration.ofMillis(50), "test")).call();
    }

    @Test
    void showsARunningDrillAndForgetsItOnceStopped() throws Exception {
        check("policy");
        Drill drill = drills.start("b", new FaultConfig("status", 503, null, null), 5, Duration.ofMinutes(1));

        assertThat((String) check("policy").getData().orElseThrow().get("drill.b"))
                .startsWith(drill.id() + ": status 503, 0 of 5 request(s) until ");

        drills.stop(drill.id());
        assertThat(check("policy").getData().orElseThrow()).doesNotContainKey("drill.b");
    }

    @Test
    void policyModeStaysReadyWhateverTheProviders() throws Exception {
        check("policy");
        states.get("a").guard().probeFailed();
        states.get("b").guard().probeFailed();

        HealthCheckResponse response = check("policy");

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().orElseThrow()).containsEntry("mode", "policy")
                .containsKeys("provider.a", "provider.b");
        assertThat((String) response.getData().orElseThrow().get("provider.a")).startsWith("down, breaker closed");
    }

    @Test
    void anyProviderModeNeedsOneProviderThatIsNotDown() throws Exception {
        check("any-provider");
        states.get("a").guard().probeFailed();
        assertThat(check("any-provider").getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        states.get("b").guard().probeFailed();
        assertThat(check("any-provider").getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    @Test
    void everyRouteModeNeedsARoutableTargetForEachRoute() throws Exception {
        check("every-route");
        states.get("b").guard().probeFailed();
        assertThat(check("every-route").getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        states.get("a").guard().probeFailed();
        states.get("b").guard().probePassed();
        // 'both' can still use b, but 'only-a' has nothing left
        assertThat(check("every-route").getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }
}
