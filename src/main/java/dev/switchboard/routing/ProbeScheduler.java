package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.provider.Provider;
import dev.switchboard.resilience.FailureKind;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Active health probes: for every provider with {@code health.probe: true}, a periodic {@code GET} of
 * {@code health.path} (a model listing: zero tokens, never a completion). A failing probe marks the provider down
 * before real traffic suffers; a passing probe of a down provider lets one trial request through (half-open).
 */
@ApplicationScoped
public class ProbeScheduler {

    private static final Logger LOGGER = Logger.getLogger(ProbeScheduler.class);

    private final Vertx vertx;
    private final List<Long> timers = new ArrayList<>();

    public ProbeScheduler(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Replaces the probes with those of {@code policy}. */
    public synchronized void schedule(ActivePolicy policy) {
        cancel();
        for (ProviderState state : policy.states().values()) {
            ProviderSpec spec = state.spec();
            if (Boolean.TRUE.equals(spec.health().probe())) {
                Provider provider = policy.provider(spec.name());
                timers.add(vertx.setPeriodic(spec.health().interval().toMillis(), id -> probe(provider, state)));
            }
        }
    }

    private static void probe(Provider provider, ProviderState state) {
        String path = state.spec().health().path();
        String shown = path != null ? path : "(model list)";
        provider.probe(path).subscribe().with(status -> {
            if (status >= 200 && status < 300) {
                state.guard().probePassed();
            } else {
                fail(state, "probe GET " + shown + " answered HTTP " + status);
            }
        }, failure -> fail(state, "probe GET " + shown + " failed: " + FailureKind.of(failure).description()));
    }

    private static void fail(ProviderState state, String reason) {
        if (!state.guard().probeDown()) {
            LOGGER.warnf("provider '%s' is down: %s", state.spec().name(), reason);
        }
        state.guard().probeFailed();
        state.health().failed(reason);
    }

    private void cancel() {
        timers.forEach(vertx::cancelTimer);
        timers.clear();
    }

    synchronized void onStop(@Observes ShutdownEvent event) {
        cancel();
    }
}
