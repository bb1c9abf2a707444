package dev.switchboard.routing;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The outcome of the latest policy load: the active file's hash, and the last refused file (its hash, when, and every
 * problem with its YAML path) until a valid file replaces it. Thread-safe.
 */
@ApplicationScoped
public class PolicyStatus {

    /** A refused policy file. */
    public record Failure(String hash, Instant at, List<String> problems) {
    }

    private final AtomicReference<String> activeHash = new AtomicReference<>();
    private final AtomicReference<Failure> lastFailure = new AtomicReference<>();

    public void loaded(String hash) {
        activeHash.set(hash);
        lastFailure.set(null);
    }

    public void refused(String hash, List<String> problems) {
        lastFailure.set(new Failure(hash, Instant.now(), List.copyOf(problems)));
    }

    public String activeHash() {
        return activeHash.get();
    }

    /** The last refused file, or null when the latest file was loaded. */
    public Failure lastFailure() {
        return lastFailure.get();
    }
}
