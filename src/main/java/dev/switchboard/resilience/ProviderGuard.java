package dev.switchboard.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.util.TypeLiteral;

import dev.switchboard.config.CircuitBreakerConfig;
import dev.switchboard.config.RateLimitConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;

/**
 * Decides whether one provider may be tried now: its circuit breaker (SmallRye Fault Tolerance, built from the
 * policy's thresholds) and its 429 pause. An attempt asks for a {@link Permit} before any network I/O; no permit
 * means the provider is skipped. Each permit is settled exactly once, as a success, a failure (counts towards opening
 * the breaker) or a neutral outcome (throttling, the caller's own 4xx, a caller that went away).
 *
 * <p>
 * The breaker sees the attempt as a {@code CompletionStage} that this class completes itself, so every admitted
 * attempt reaches the breaker's bookkeeping even when the caller cancels; a half-open breaker can never be left
 * waiting for a trial that never ends. Half-open admits {@code success-threshold} trials at a time (one by default).
 * Thread-safe.
 */
public final class ProviderGuard {

    private static final AtomicLong NAMES = new AtomicLong();

    private final TypedGuard<CompletionStage<Void>> breaker;
    private final Runnable breakerReset;
    private final Clock clock;
    private final Duration delay;
    private final RateLimitConfig rateLimit;
    private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
    private volatile long openedAt;
    private volatile long pausedUntil;
    /** A failing active probe marks the provider down until a probe passes. */
    private volatile boolean probeDown;
    /** After a passing probe revived a down provider: one trial at a time until one succeeds. */
    private volatile boolean trialOnly;
    private final AtomicBoolean trialInFlight = new AtomicBoolean();

    public ProviderGuard(CircuitBreakerConfig config, RateLimitConfig rateLimit, Clock clock) {
        this.clock = clock;
        this.delay = config.delay();
        this.rateLimit = rateLimit;
        String name = "switchboard-breaker-" + NAMES.incrementAndGet();
        this.breakerReset = () -> CircuitBreakerMaintenance.get().reset(name);
        this.breaker = TypedGuard.create(new TypeLiteral<CompletionStage<Void>>() {
        })
                .withCircuitBreaker()
                .name(name)
                .requestVolumeThreshold(config.requestVolumeThreshold())
                .failureRatio(config.failureRatio())
                .delay(config.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(config.successThreshold())
                .when(BreakerFailure.class::isInstance)
                .onStateChange(this::onStateChange)
                .done()
                .withThreadOffload(false)
                .build();
    }

    private void onStateChange(CircuitBreakerState newState) {
        if (newState == CircuitBreakerState.OPEN) {
            openedAt = clock.millis();
        }
        state = newState;
    }

    /**
     * A permit for one attempt, or empty when the provider must be skipped (breaker open, trial busy, paused). The
     * breaker may decide on another thread (Quarkus runs non-blocking guarded actions on the Vert.x context), so the
     * decision is asynchronous; a permit granted after the caller went away is settled as neutral at once.
     */
    public Uni<Optional<Permit>> admit() {
        if (probeDown || clock.millis() < pausedUntil) {
            return Uni.createFrom().item(Optional.empty());
        }
        boolean trial = trialOnly;
        if (trial && !trialInFlight.compareAndSet(false, true)) {
            return Uni.createFrom().item(Optional.empty());
        }
        CompletableFuture<Optional<Permit>> decision = new CompletableFuture<>();
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        if (trial) {
            CompletableFuture<Void> unused = outcome.whenComplete((ignored, failure) -> endTrial(failure == null));
        }
        try {
            CompletionStage<Void> unused = breaker.call(() -> {
                decision.complete(Optional.of(new Permit(outcome)));
                return outcome;
            }).whenComplete((ignored, failure) -> {
                if (failure != null && decision.complete(Optional.empty()) && trial) {
                    // refused (CircuitBreakerOpenException) before the action ran
                    trialInFlight.set(false);
                }
            });
        } catch (Exception e) {
            if (decision.complete(Optional.empty()) && trial) {
                trialInFlight.set(false);
            }
        }
        return Uni.createFrom().completionStage(decision)
                .onCancellation().invoke(() -> {
                    CompletableFuture<Void> unused = decision.thenAccept(permit -> permit.ifPresent(Permit::neutral));
                });
    }

    /**
     * Pauses the provider after a 429: for its {@code Retry-After} (seconds or an HTTP date), capped at
     * {@code max-pause}, or {@code default-pause} when absent or unreadable.
     */
    public void throttled(String retryAfter) {
        Duration pause = RetryAfter.parse(retryAfter, clock);
        if (pause == null) {
            pause = rateLimit.defaultPause();
        }
        if (pause.compareTo(rateLimit.maxPause()) > 0) {
            pause = rateLimit.maxPause();
        }
        long until = clock.millis() + pause.toMillis();
        if (until > pausedUntil) {
            pausedUntil = until;
        }
    }

    private void endTrial(boolean success) {
        if (success) {
            trialOnly = false;
        } else {
            probeDown = true;
            trialOnly = false;
        }
        trialInFlight.set(false);
    }

    /** An active probe failed: skip the provider until a probe passes. */
    public void probeFailed() {
        probeDown = true;
    }

    /**
     * An active probe passed. A provider that was down (by probe, or with its breaker open) moves to a half-open
     * trial: one request at a time until one succeeds; a failed trial marks it down until the next passing probe.
     */
    public void probePassed() {
        boolean wasDown = probeDown || state == CircuitBreakerState.OPEN;
        if (!wasDown) {
            return;
        }
        if (state == CircuitBreakerState.OPEN) {
            breakerReset.run();
        }
        trialOnly = true;
        probeDown = false;
    }

    /** Whether a failing probe marks the provider down. */
    public boolean probeDown() {
        return probeDown;
    }

    /** The breaker's state: CLOSED, OPEN or HALF_OPEN. */
    public CircuitBreakerState state() {
        return trialOnly && state == CircuitBreakerState.CLOSED ? CircuitBreakerState.HALF_OPEN : state;
    }

    /** Whether a 429 pause is running. */
    public boolean paused() {
        return probeDown || clock.millis() < pausedUntil;
    }

    /** How long until this provider may be tried again; zero when it may be tried now. */
    public Duration availableIn() {
        long now = clock.millis();
        long wait = 0;
        if (now < pausedUntil) {
            wait = pausedUntil - now;
        }
        if (state == CircuitBreakerState.OPEN) {
            wait = Math.max(wait, openedAt + delay.toMillis() - now);
        }
        return Duration.ofMillis(Math.max(0, wait));
    }

    /** One admitted attempt's outcome, reported to the breaker once; later reports are ignored. */
    public static final class Permit {
        private final CompletableFuture<Void> outcome;

        Permit(CompletableFuture<Void> outcome) {
            this.outcome = outcome;
        }

        /** The provider answered: counts as a success. */
        public void success() {
            outcome.complete(null);
        }

        /** Connect error, reset, timeout or 5xx: counts towards opening the breaker. */
        public void failure() {
            outcome.completeExceptionally(new BreakerFailure());
        }

        /** Throttling, the caller's own 4xx, or a caller that went away: not the provider's failure. */
        public void neutral() {
            outcome.complete(null);
        }
    }

    /** The marker the breaker counts as a failure. */
    static final class BreakerFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** Stackless: cheap to make for every failure. */
        BreakerFailure() {
            super("provider failure", null, false, false);
        }
    }
}
