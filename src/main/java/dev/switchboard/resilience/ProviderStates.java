package dev.switchboard.resilience;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.model.ProviderSpec;

/** Provider states by name, reused by a new policy version for every provider whose definition did not change. */
@ApplicationScoped
public class ProviderStates {

    private final Map<String, ProviderState> states = new ConcurrentHashMap<>();
    private final Clock clock;

    public ProviderStates() {
        this(Clock.systemUTC());
    }

    ProviderStates(Clock clock) {
        this.clock = clock;
    }

    /** The states for a policy's providers: the existing one where the spec is equal, a fresh one otherwise. */
    public Map<String, ProviderState> forProviders(Iterable<ProviderSpec> specs) {
        Map<String, ProviderState> result = new LinkedHashMap<>();
        for (ProviderSpec spec : specs) {
            ProviderState state = states.compute(spec.name(),
                    (name, old) -> old != null && old.spec().equals(spec) ? old : ProviderState.of(spec, clock));
            result.put(spec.name(), state);
        }
        return result;
    }
}
