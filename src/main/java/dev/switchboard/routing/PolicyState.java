package dev.switchboard.routing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The active policy, and the outcome of the latest load. Readers take one snapshot per request; a new policy replaces
 * the reference atomically, so a request never sees half of one policy and half of another. The last refused file
 * (its hash, when, and every problem with its YAML path) is kept until a valid file replaces it. Thread-safe.
 */
@ApplicationScoped
public class PolicyState {

    /** A refused policy file. */
    public record Failure(String hash, Instant at, List<String> problems) {
    }

    private final AtomicReference<ActivePolicy> active = new AtomicReference<>();
    private final AtomicReference<String> activeHash = new AtomicReference<>();
    private final AtomicReference<Failure> lastFailure = new AtomicReference<>();

    /** The active policy, or empty before the first one is loaded. */
    public Optional<ActivePolicy> current() {
        return Optional.ofNullable(active.get());
    }

    /** Makes {@code policy} (of content hash {@code hash}) active; returns the one it replaced, or null. */
    public ActivePolicy swap(ActivePolicy policy, String hash) {
        ActivePolicy previous = active.getAndSet(policy);
        activeHash.set(hash);
        lastFailure.set(null);
        return previous;
    }

    /** A changed file was refused; the active policy stays. */
    public void refused(String hash, List<String> problems) {
        lastFailure.set(new Failure(hash, Instant.now(), List.copyOf(problems)));
    }

    /** The active file's SHA-256, or null before the first load. */
    public String activeHash() {
        return activeHash.get();
    }

    /** The last refused file, or null when the latest file was loaded. */
    public Failure lastFailure() {
        return lastFailure.get();
    }
}
