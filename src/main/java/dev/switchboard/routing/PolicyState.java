package dev.switchboard.routing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The active policy, and the outcome of the latest load. Readers take one snapshot per request; a new policy replaces
 * the reference atomically, so a request never sees half of one policy and half of another. The last refused file
 * (its hash, when, and every problem with its YAML path) is kept until a valid file replaces it, and so is a file that
 * went missing or unreadable while its policy serves. Thread-safe.
 */
@ApplicationScoped
public class PolicyState {

    /** A refused policy file. */
    public record Failure(String hash, Instant at, List<String> problems) {
    }

    private final AtomicReference<ActivePolicy> active = new AtomicReference<>();
    private final AtomicReference<String> activeHash = new AtomicReference<>();
    private final AtomicReference<Failure> lastFailure = new AtomicReference<>();
    private final AtomicReference<SourceProblem> sourceProblem = new AtomicReference<>();

    /**
     * The active policy's file has gone missing or become unreadable since it was loaded; the policy keeps serving.
     *
     * @param problem {@code missing} or {@code unreadable (...)}
     * @param since when it was first seen
     */
    public record SourceProblem(String problem, Instant since) {
    }

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

    /** Records that the active policy's file is missing or unreadable (the first report's time is kept). */
    public void sourceLost(String problem) {
        sourceProblem.updateAndGet(current -> current != null && current.problem().equals(problem) ? current
                : new SourceProblem(problem, Instant.now()));
    }

    /** The active policy's file can be read again. */
    public void sourceBack() {
        sourceProblem.set(null);
    }

    /** What is wrong with the active policy's file, or null when nothing is. */
    public SourceProblem sourceProblem() {
        return sourceProblem.get();
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
