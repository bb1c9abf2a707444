package dev.switchboard.routing;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Holds the active policy. Readers take one snapshot per request; a new policy replaces the reference atomically, so
 * a request never sees half of one policy and half of another.
 */
@ApplicationScoped
public class PolicyState {

    private final AtomicReference<ActivePolicy> active = new AtomicReference<>();

    /** The active policy, or empty before the first one is loaded. */
    public Optional<ActivePolicy> current() {
        return Optional.ofNullable(active.get());
    }

    /** Makes {@code policy} active; returns the one it replaced, or null. */
    public ActivePolicy swap(ActivePolicy policy) {
        return active.getAndSet(policy);
    }
}
