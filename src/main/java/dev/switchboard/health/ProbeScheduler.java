package dev.switchboard.health;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.Provider;
import dev.switchboard.resilience.FailureKind;
import dev.switchboard.resilience.ProviderState;
import dev.switchboard.routing.ActivePolicy;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Active health probes: for every provider with {@code health.probe: true}, a periodic {@code GET} of
 * {@code health.path} (a model listing: zero tokens, never a completion). A failing probe marks the provider down
 * before real traffic suffers; a passing probe of a down provider lets one trial request through (half-open). Probe
 * results are their own signal: shown per provider in the router-health API and counted by the
 * {@code health.check.failures} meter, never mixed into the success rate of real traffic.
 */
@ApplicationScoped
public class ProbeScheduler {

    private static final Logger LOGGER = Logger.getLogger(ProbeScheduler.class);

    private final Vertx vertx;
    private final Metrics metrics;
    private final List<Long> timers = new ArrayList<>();

    public ProbeScheduler(Vertx vertx, Metrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
    }

    /** Replaces the probes with those of a newly active {@code policy}. */
    synchronized void schedule(@Observes ActivePolicy policy) {
        cancel();
        for (ProviderState state : policy.states().values()) {
            ProviderSpec spec = state.spec();
            if (Boolean.TRUE.equals(spec.health().probe())) {
                Provider provider = policy.provider(spec.name());
                timers.add(vertx.setPeriodic(spec.health().interval().toMillis(), id -> probe(provider, state)));
            }
        }
    }

    private void probe(Provider provider, ProviderState state) {
        String path = state.spec().health().path();
        String shown = path != null ? path : "(model list)";
        provider.probe(path).subscribe().with(status -> {
            if (status >= 200 && status < 300) {
                state.health().probePassed();
                state.guard().probePassed();
            } else {
                fail(state, "probe GET " + shown + " answered HTTP " + status);
            }
        }, failure -> fail(state, "probe GET " + shown + " failed: " + FailureKind.of(failure).description()));
    }

    private void fail(ProviderState state, String reason) {
        if (!state.guard().probeDown()) {
            LOGGER.warnf("provider '%s' is down: %s", state.spec().name(), reason);
        }
        metrics.healthCheckFailure(state.spec().name());
        state.guard().probeFailed();
        state.health().probeFailed(reason);
    }

    private void cancel() {
        timers.forEach(vertx::cancelTimer);
        timers.clear();
    }

    synchronized void onStop(@Observes ShutdownEvent event) {
        cancel();
    }
}
